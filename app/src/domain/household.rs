//! Household category for income ceilings (arrêté of 29 July 1987, as summarised in
//! `shared/domain.md` §3.1).
//!
//! Categories 1 to 6 follow the number of persons, one step up when any member has a handicap,
//! when one adult lives alone with dependants, or for a *jeune ménage* (a couple whose ages add
//! up to 55 or less) without dependants. Those cases never stack in the published list, so the
//! step is taken once. Beyond category 6, each further person adds the "par personne
//! supplémentaire" amount; a household of 6 persons that also takes the step counts one extra.

use serde::{Deserialize, Serialize};

/// Combined ages at or under which a couple is a *jeune ménage* (domain.md marks it [M]).
pub const JEUNE_MENAGE_MAX_COMBINED_AGE: u32 = 55;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub age: u32,
    /// Holder of the carte mobilité inclusion, mention invalidité.
    pub handicap: bool,
    /// Fiscally dependent (à charge).
    pub dependant: bool,
    /// The applicant's spouse, concubin or PACS partner: with the applicant, a couple.
    #[serde(default)]
    pub partner: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// 1 to 6.
    pub base: u8,
    /// Persons counted beyond category 6.
    pub extra_persons: u32,
}

impl Category {
    pub fn label(&self) -> String {
        match self.extra_persons {
            0 => format!("catégorie {}", self.base),
            1 => format!("catégorie {} + 1 personne", self.base),
            n => format!("catégorie {} + {n} personnes", self.base),
        }
    }
}

/// Whether the household is a couple (the applicant and their partner) whose combined ages are
/// at most 55. Two adults who are not partners (a parent and a grown-up child, two friends) are
/// not a *jeune ménage*, whatever their ages.
pub fn is_jeune_menage(members: &[Person]) -> bool {
    let adults: Vec<&Person> = members.iter().filter(|p| !p.dependant).collect();
    adults.len() == 2
        && adults.iter().filter(|p| p.partner).count() == 1
        && adults.iter().map(|p| p.age).sum::<u32>() <= JEUNE_MENAGE_MAX_COMBINED_AGE
}

/// The ceiling category of a household. An empty household has no category.
pub fn category(members: &[Person]) -> Option<Category> {
    let persons = members.len() as u32;
    if persons == 0 {
        return None;
    }
    let dependants = members.iter().filter(|p| p.dependant).count() as u32;
    let adults = persons - dependants;
    let any_handicap = members.iter().any(|p| p.handicap);
    let single_with_dependants = adults == 1 && dependants > 0;
    let young_couple_alone = dependants == 0 && is_jeune_menage(members);
    let step = u32::from(any_handicap || single_with_dependants || young_couple_alone);
    let counted = persons + step;
    Some(Category {
        base: counted.min(6) as u8,
        extra_persons: counted.saturating_sub(6),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adult(age: u32) -> Person {
        Person {
            age,
            handicap: false,
            dependant: false,
            partner: false,
        }
    }
    fn child() -> Person {
        Person {
            age: 8,
            handicap: false,
            dependant: true,
            partner: false,
        }
    }
    fn cat(members: &[Person]) -> (u8, u32) {
        let c = category(members).unwrap();
        (c.base, c.extra_persons)
    }

    #[test]
    fn the_published_definitions() {
        // 1: one person alone.
        assert_eq!(cat(&[adult(40)]), (1, 0));
        // 2: two persons without dependant (not a jeune ménage), or one person with a handicap.
        assert_eq!(cat(&[adult(40), adult(38)]), (2, 0));
        assert_eq!(
            cat(&[Person {
                handicap: true,
                ..adult(40)
            }]),
            (2, 0)
        );
        // 3: three persons; one person with one dependant; a jeune ménage; two persons, one disabled.
        assert_eq!(cat(&[adult(40), adult(38), adult(19)]), (3, 0));
        assert_eq!(cat(&[adult(35), child()]), (3, 0));
        assert_eq!(cat(&[adult(26), partner(27)]), (3, 0));
        assert_eq!(
            cat(&[
                adult(60),
                Person {
                    handicap: true,
                    ..adult(61)
                }
            ]),
            (3, 0)
        );
        // 4: four persons; one person with two dependants; three persons, one disabled.
        assert_eq!(cat(&[adult(40), adult(38), child(), child()]), (4, 0));
        assert_eq!(cat(&[adult(35), child(), child()]), (4, 0));
        assert_eq!(
            cat(&[
                adult(40),
                adult(38),
                Person {
                    handicap: true,
                    ..child()
                }
            ]),
            (4, 0)
        );
        // 5 and 6 likewise.
        assert_eq!(cat(&[adult(35), child(), child(), child()]), (5, 0));
        assert_eq!(
            cat(&[adult(35), child(), child(), child(), child()]),
            (6, 0)
        );
        assert_eq!(
            cat(&[adult(40), adult(38), child(), child(), child(), child()]),
            (6, 0)
        );
    }

    fn partner(age: u32) -> Person {
        Person {
            partner: true,
            ..adult(age)
        }
    }

    #[test]
    fn the_jeune_menage_limit_is_inclusive() {
        assert_eq!(cat(&[adult(27), partner(28)]), (3, 0));
        assert_eq!(cat(&[adult(28), partner(28)]), (2, 0));
        // With a child, the household is in category 3 by its size anyway.
        assert_eq!(cat(&[adult(25), partner(25), child()]), (3, 0));
    }

    #[test]
    fn only_a_couple_is_a_jeune_menage() {
        // A mother and her adult son, or two young flatmates: two persons, category 2.
        assert_eq!(cat(&[adult(36), adult(18)]), (2, 0));
        assert_eq!(cat(&[adult(22), adult(23)]), (2, 0));
        assert!(!is_jeune_menage(&[adult(22), adult(23)]));
        assert!(is_jeune_menage(&[adult(22), partner(23)]));
    }

    #[test]
    fn persons_beyond_six_are_extra() {
        let mut big = vec![adult(40), adult(38)];
        big.extend(std::iter::repeat_n(child(), 6));
        assert_eq!(cat(&big), (6, 2));
        assert_eq!(category(&big).unwrap().label(), "catégorie 6 + 2 personnes");
        assert_eq!(category(&[]), None);
    }

    #[test]
    fn more_people_never_lower_the_category() {
        let mut household = vec![adult(30)];
        let mut last = cat(&household);
        for _ in 0..8 {
            household.push(child());
            let now = cat(&household);
            assert!((now.0 as u32 + now.1) >= (last.0 as u32 + last.1));
            last = now;
        }
    }
}
