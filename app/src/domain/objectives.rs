//! The attribution objectives of the loi Égalité et Citoyenneté (`shared/domain.md` §2), computed
//! per EPCI and year from the leases signed:
//! - outside QPV, at least 25 % of attributions to first-quartile requests or to households
//!   relocated by urban renewal (ANRU);
//! - in QPV, at least 50 % of attributions to requests of the other three quartiles;
//! - for each réservataire (the landlord's own share included), at least 25 % of its
//!   attributions to DALO households or, failing that, to the priority publics of L441-1; the
//!   État's contingent for priority publics goes to them all, and its agents' contingent to its
//!   agents (no priority objective there).
//!
//! A lease whose household is not known (recorded by staff without a ranking, or the quartile
//! threshold of the year not entered) counts in the whole but in neither part: it is reported
//! apart, so that an indicator never looks better than the facts allow. Pure.

use serde::{Deserialize, Serialize};

/// The first-quartile objective outside QPV, in percent.
pub const FIRST_QUARTILE_OUTSIDE_QPV: i64 = 25;
/// The other quartiles' objective in QPV, in percent.
pub const OTHER_QUARTILES_IN_QPV: i64 = 50;
/// Each réservataire's priority objective, in percent.
pub const PRIORITY_PER_RESERVATAIRE: i64 = 25;
/// The État's contingent for priority publics goes to them.
pub const PRIORITY_ETAT: i64 = 100;

/// The réservataire an attribution counts for in the priority objectives, and its objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// "Action Logement — Action Logement Services", "Bailleur (non réservé)".
    pub label: String,
    pub objective: i64,
}

/// One attribution (a signed lease), as the objectives read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    pub in_qpv: bool,
    /// `None` when the household's resources or the year's threshold are unknown.
    pub first_quartile: Option<bool>,
    /// Relocated by an urban renewal project (ANRU/NPNRU).
    pub anru: bool,
    /// `None` when the household is unknown.
    pub priority: Option<bool>,
    /// Who the unit was oriented to; `None` out of the flow, for the État's agents, and for
    /// leases made before flow management or outside the platform.
    pub reservataire: Option<Group>,
}

/// One indicator against its objective.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub label: String,
    /// Attributions that count towards the objective.
    pub part: i64,
    /// Attributions it is measured on.
    pub whole: i64,
    /// Of `whole`, those whose household is not known.
    pub unknown: i64,
    /// The objective, in percent.
    pub objective: i64,
}

impl Indicator {
    /// The share in whole percent (rounded down), when there is any attribution.
    pub fn percent(&self) -> Option<i64> {
        (self.whole > 0).then(|| self.part * 100 / self.whole)
    }

    /// Whether the objective is met; `None` with no attribution to measure.
    pub fn met(&self) -> Option<bool> {
        (self.whole > 0).then(|| self.part * 100 >= self.objective * self.whole)
    }

    /// "21 % (5 sur 24)", or "aucune attribution".
    pub fn words(&self) -> String {
        match self.percent() {
            None => "aucune attribution".to_string(),
            Some(p) => {
                let unknown = match self.unknown {
                    0 => String::new(),
                    1 => " ; 1 ménage non connu".to_string(),
                    n => format!(" ; {n} ménages non connus"),
                };
                format!("{p}\u{a0}% ({} sur {}{unknown})", self.part, self.whole)
            }
        }
    }

    /// What one more attribution would make of it: "de 21 % à 24 %", for the commission.
    pub fn after_one_more(&self, counts: bool) -> Indicator {
        Indicator {
            part: self.part + i64::from(counts),
            whole: self.whole + 1,
            ..self.clone()
        }
    }

    /// What one more attribution would do to it, for the commission's review: "21 % jusqu'ici,
    /// 24 % avec cette attribution". `counts` is `None` when the household's side of it is not
    /// known.
    pub fn move_words(&self, counts: Option<bool>) -> String {
        let after = self.after_one_more(counts == Some(true));
        let before = match self.percent() {
            Some(p) => format!("{p}\u{a0}% jusqu'ici"),
            None => "aucune attribution jusqu'ici".to_string(),
        };
        let unknown = if counts.is_none() {
            " (situation du ménage non connue : comptée hors de l'objectif)"
        } else {
            ""
        };
        format!(
            "{} : {before}, {}\u{a0}% avec cette attribution{unknown} ; objectif : au moins {}\u{a0}%.",
            self.label,
            after.percent().unwrap_or(0),
            self.objective
        )
    }
}

/// The objectives of a set of attributions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objectives {
    pub outside_qpv: Indicator,
    pub in_qpv: Indicator,
    /// One per réservataire, by label.
    pub per_reservataire: Vec<Indicator>,
}

/// Whether an attribution outside QPV counts towards the first-quartile objective.
pub fn counts_outside_qpv(a: &Attribution) -> bool {
    a.first_quartile == Some(true) || a.anru
}

/// Whether an attribution in QPV counts towards the other-quartiles objective.
pub fn counts_in_qpv(a: &Attribution) -> bool {
    a.first_quartile == Some(false)
}

/// A réservataire's priority indicator with no attribution yet.
pub fn priority_indicator(group: &Group) -> Indicator {
    Indicator {
        label: format!(
            "{} : attributions aux ménages DALO ou prioritaires",
            group.label
        ),
        part: 0,
        whole: 0,
        unknown: 0,
        objective: group.objective,
    }
}

pub fn objectives(attributions: &[Attribution]) -> Objectives {
    let outside: Vec<&Attribution> = attributions.iter().filter(|a| !a.in_qpv).collect();
    let inside: Vec<&Attribution> = attributions.iter().filter(|a| a.in_qpv).collect();
    let mut reservataires: Vec<&Group> = attributions
        .iter()
        .filter_map(|a| a.reservataire.as_ref())
        .collect();
    reservataires.sort_unstable_by(|a, b| a.label.cmp(&b.label));
    reservataires.dedup_by(|a, b| a.label == b.label);
    Objectives {
        outside_qpv: Indicator {
            label: "Hors QPV : attributions au premier quartile ou à des ménages relogés (ANRU)"
                .into(),
            part: outside.iter().filter(|a| counts_outside_qpv(a)).count() as i64,
            whole: outside.len() as i64,
            unknown: outside
                .iter()
                .filter(|a| a.first_quartile.is_none() && !a.anru)
                .count() as i64,
            objective: FIRST_QUARTILE_OUTSIDE_QPV,
        },
        in_qpv: Indicator {
            label: "En QPV : attributions aux trois autres quartiles".into(),
            part: inside.iter().filter(|a| counts_in_qpv(a)).count() as i64,
            whole: inside.len() as i64,
            unknown: inside.iter().filter(|a| a.first_quartile.is_none()).count() as i64,
            objective: OTHER_QUARTILES_IN_QPV,
        },
        per_reservataire: reservataires
            .into_iter()
            .map(|group| {
                let its: Vec<&Attribution> = attributions
                    .iter()
                    .filter(|a| a.reservataire.as_ref().map(|g| &g.label) == Some(&group.label))
                    .collect();
                Indicator {
                    part: its.iter().filter(|a| a.priority == Some(true)).count() as i64,
                    whole: its.len() as i64,
                    unknown: its.iter().filter(|a| a.priority.is_none()).count() as i64,
                    ..priority_indicator(group)
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lease(in_qpv: bool, first_quartile: Option<bool>, priority: bool, to: &str) -> Attribution {
        Attribution {
            in_qpv,
            first_quartile,
            anru: false,
            priority: Some(priority),
            reservataire: Some(Group {
                label: to.into(),
                objective: PRIORITY_PER_RESERVATAIRE,
            }),
        }
    }

    #[test]
    fn the_three_objectives_count_what_the_law_counts() {
        let mut leases = vec![
            // Outside QPV: one first quartile, one relocated by ANRU, two others, one unknown.
            lease(false, Some(true), true, "Action Logement"),
            Attribution {
                anru: true,
                ..lease(false, Some(false), false, "Bailleur")
            },
            lease(false, Some(false), false, "Action Logement"),
            lease(false, Some(false), false, "Action Logement"),
            lease(false, None, false, "Bailleur"),
            // In QPV: two of the other quartiles, one first quartile.
            lease(true, Some(false), false, "Action Logement"),
            lease(true, Some(false), true, "Bailleur"),
            lease(true, Some(true), false, "Bailleur"),
        ];
        // A lease out of the flow counts in the QPV objectives and for no réservataire.
        leases.push(Attribution {
            reservataire: None,
            ..lease(true, Some(true), false, "")
        });
        let o = objectives(&leases);
        assert_eq!(o.per_reservataire.len(), 2);
        leases.pop();
        let o = objectives(&leases);
        // 2 of 5 outside QPV: 40 %, met; 2 of 3 in QPV: 66 %, met.
        assert_eq!(
            (
                o.outside_qpv.part,
                o.outside_qpv.whole,
                o.outside_qpv.unknown
            ),
            (2, 5, 1)
        );
        assert_eq!(o.outside_qpv.percent(), Some(40));
        assert_eq!(o.outside_qpv.met(), Some(true));
        assert_eq!((o.in_qpv.part, o.in_qpv.whole), (2, 3));
        assert_eq!(o.in_qpv.percent(), Some(66));
        // Action Logement: 1 priority of 4 = 25 %, met just; the landlord: 1 of 4, met.
        let al = &o.per_reservataire[0];
        assert!(al.label.starts_with("Action Logement"));
        assert_eq!((al.part, al.whole, al.met()), (1, 4, Some(true)));
        assert_eq!(al.words(), "25\u{a0}% (1 sur 4)");
        // One more non-priority attribution for it: 1 of 5, 20 %, no longer met.
        let after = al.after_one_more(false);
        assert_eq!((after.percent(), after.met()), (Some(20), Some(false)));

        assert_eq!(
            al.move_words(Some(true)),
            format!(
                "{} : 25\u{a0}% jusqu'ici, 40\u{a0}% avec cette attribution ; objectif : au moins 25\u{a0}%.",
                al.label
            )
        );
        assert!(
            al.move_words(None)
                .contains("25\u{a0}% jusqu'ici, 20\u{a0}% avec")
        );

        leases.retain(|l| l.in_qpv);
        let o = objectives(&leases);
        assert_eq!(o.outside_qpv.met(), None);
        assert_eq!(o.outside_qpv.words(), "aucune attribution");
    }

    #[test]
    fn unknown_households_are_said() {
        let o = objectives(&[
            lease(false, None, false, "Bailleur"),
            lease(false, None, false, "Bailleur"),
        ]);
        assert_eq!(
            o.outside_qpv.words(),
            "0\u{a0}% (0 sur 2 ; 2 ménages non connus)"
        );
    }
}
