//! The close of a session, decided from its facts, and the letter each candidate gets.

use super::*;

/// A member's vote on one candidate, as the close reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CastVote {
    pub ruling: Ruling,
    pub quality: MemberQuality,
    pub by_president: bool,
}

/// A candidate presented to the commission, as the close finds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateAtClose {
    pub entry_id: i64,
    pub name: String,
    /// The decision the president recorded: it prevails over the votes.
    pub recorded: Option<Choice>,
    /// The members' votes, in the order they were cast.
    pub votes: Vec<CastVote>,
}

/// One offer of the agenda at the close, with its presented candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemAtClose {
    pub offer_id: i64,
    pub candidates: Vec<CandidateAtClose>,
}

/// What the close of a session needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAtClose {
    pub quorum: i64,
    /// Deliberative members who took part (present, or voted online).
    pub voting_present: u32,
    pub remote: bool,
    pub items: Vec<ItemAtClose>,
}

/// What the close decides for one offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemPlan {
    pub offer_id: i64,
    /// Decisions the votes gave (no decision was recorded): the winning ruling, with the details
    /// of the first member who voted it (the president first), and the count.
    pub from_votes: Vec<(i64, Ruling, Tally)>,
    /// Candidates attributed the unit, in the order it is offered to them: (entry, rank).
    pub order: Vec<(i64, u32)>,
}

impl ItemPlan {
    /// The candidate the unit is offered to now, if the commission attributed it.
    pub fn offered_to(&self) -> Option<i64> {
        self.order.first().map(|(entry, _)| *entry)
    }
}

/// The close of a session, decided from its facts: the quorum must be met, every presented
/// candidate gets the decision the president recorded or, failing that, the one the votes gave
/// (the mayor's casting vote breaks a tie), and no two attributions of one offer share a rank.
pub fn plan_close(session: &SessionAtClose) -> Result<Vec<ItemPlan>, Refusal> {
    if !quorum_met(
        session.voting_present,
        u32::try_from(session.quorum).unwrap_or(u32::MAX),
    ) {
        return Err(Refusal::NoQuorum {
            present: session.voting_present,
            required: session.quorum,
            remote: session.remote,
        });
    }
    let mut undecided = Vec::new();
    let mut plans = Vec::new();
    for item in &session.items {
        let mut chosen: Vec<(i64, Choice)> = Vec::new();
        let mut from_votes = Vec::new();
        for candidate in &item.candidates {
            if let Some(choice) = candidate.recorded {
                chosen.push((candidate.entry_id, choice));
                continue;
            }
            let ballots: Vec<Ballot> = candidate
                .votes
                .iter()
                .map(|v| Ballot {
                    choice: v.ruling.choice,
                    quality: v.quality,
                })
                .collect();
            let counted = tally(&ballots);
            let Some(choice) = counted.outcome else {
                undecided.push(format!("{} (offre n° {})", candidate.name, item.offer_id));
                continue;
            };
            let mut voters: Vec<&CastVote> = candidate
                .votes
                .iter()
                .filter(|v| v.ruling.choice == choice)
                .collect();
            voters.sort_by_key(|v| !v.by_president);
            let ruling = voters.first().map_or_else(
                || Ruling {
                    choice,
                    motive: String::new(),
                    document: None,
                    deadline: None,
                },
                |v| v.ruling.clone(),
            );
            chosen.push((candidate.entry_id, choice));
            from_votes.push((candidate.entry_id, ruling, counted));
        }
        plans.push((item.offer_id, chosen, from_votes));
    }
    if !undecided.is_empty() {
        return Err(Refusal::Undecided(undecided));
    }
    plans
        .into_iter()
        .map(
            |(offer_id, chosen, from_votes)| match offer_order(&chosen) {
                Ok(order) => Ok(ItemPlan {
                    offer_id,
                    from_votes,
                    order,
                }),
                Err(OrderProblem::SameRank(rank)) => Err(Refusal::SameRank { offer_id, rank }),
            },
        )
        .collect()
}

/// The letter a candidate gets at the close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloseLetter {
    /// Attributed and offered the unit now.
    Offered {
        rank: u32,
    },
    /// Attributed at a rank behind another candidate.
    Waiting {
        rank: u32,
    },
    NotAttributed,
    Inadmissible,
}

/// The letter for a decision, knowing whether its candidate is the one offered the unit now.
pub fn close_letter(choice: Choice, offered_now: bool) -> CloseLetter {
    let rank = choice.offer_rank().unwrap_or(1);
    match choice.kind {
        DecisionKind::NonAttribution => CloseLetter::NotAttributed,
        DecisionKind::Irrecevable => CloseLetter::Inadmissible,
        _ if offered_now => CloseLetter::Offered { rank },
        _ => CloseLetter::Waiting { rank },
    }
}

#[cfg(test)]
mod close_tests {
    use super::*;

    fn ruling(kind: DecisionKind, rank: Option<u32>, motive: &str) -> Ruling {
        Ruling {
            choice: Choice { kind, rank },
            motive: motive.to_string(),
            document: None,
            deadline: None,
        }
    }

    fn vote(
        kind: DecisionKind,
        rank: Option<u32>,
        quality: MemberQuality,
        president: bool,
    ) -> CastVote {
        CastVote {
            ruling: ruling(kind, rank, if president { "présidence" } else { "membre" }),
            quality,
            by_president: president,
        }
    }

    fn candidate(
        entry_id: i64,
        recorded: Option<Choice>,
        votes: Vec<CastVote>,
    ) -> CandidateAtClose {
        CandidateAtClose {
            entry_id,
            name: format!("Candidat {entry_id}"),
            recorded,
            votes,
        }
    }

    fn session(voting_present: u32, candidates: Vec<CandidateAtClose>) -> SessionAtClose {
        SessionAtClose {
            quorum: 2,
            voting_present,
            remote: true,
            items: vec![ItemAtClose {
                offer_id: 7,
                candidates,
            }],
        }
    }

    #[test]
    fn without_quorum_nothing_is_decided() {
        let refused = plan_close(&session(1, vec![])).unwrap_err();
        assert_eq!(
            refused,
            Refusal::NoQuorum {
                present: 1,
                required: 2,
                remote: true
            }
        );
        assert!(refused.to_string().contains("voter en ligne"));
    }

    #[test]
    fn a_recorded_decision_prevails_over_the_votes() {
        use DecisionKind::*;
        use MemberQuality::*;
        let recorded = Choice {
            kind: NonAttribution,
            rank: None,
        };
        let plan = plan_close(&session(
            2,
            vec![candidate(
                1,
                Some(recorded),
                vec![
                    vote(Attribution, None, Designated, false),
                    vote(Attribution, None, Mayor, true),
                ],
            )],
        ))
        .unwrap();
        assert!(plan[0].from_votes.is_empty());
        assert_eq!(plan[0].offered_to(), None);
    }

    #[test]
    fn the_votes_decide_with_the_presidents_words_and_the_first_rank_is_offered() {
        use DecisionKind::*;
        use MemberQuality::*;
        let plan = plan_close(&session(
            3,
            vec![
                candidate(
                    1,
                    None,
                    vec![
                        vote(Ranked, Some(2), Designated, false),
                        vote(Ranked, Some(2), Prefet, true),
                        vote(NonAttribution, None, Mayor, false),
                    ],
                ),
                candidate(
                    2,
                    Some(Choice {
                        kind: Ranked,
                        rank: Some(1),
                    }),
                    vec![],
                ),
            ],
        ))
        .unwrap();
        let (entry, words, count) = &plan[0].from_votes[0];
        assert_eq!(*entry, 1);
        assert_eq!(words.motive, "présidence");
        assert_eq!(count.cast, 3);
        assert_eq!(plan[0].order, vec![(2, 1), (1, 2)]);
        assert_eq!(plan[0].offered_to(), Some(2));
        let first = Choice {
            kind: Ranked,
            rank: Some(1),
        };
        assert_eq!(close_letter(first, true), CloseLetter::Offered { rank: 1 });
        assert_eq!(
            close_letter(words.choice, false),
            CloseLetter::Waiting { rank: 2 }
        );
    }

    #[test]
    fn a_split_vote_or_a_shared_rank_is_refused() {
        use DecisionKind::*;
        use MemberQuality::*;
        let split = plan_close(&session(
            2,
            vec![candidate(
                1,
                None,
                vec![
                    vote(Attribution, None, Designated, false),
                    vote(NonAttribution, None, Prefet, true),
                ],
            )],
        ))
        .unwrap_err();
        assert_eq!(
            split,
            Refusal::Undecided(vec!["Candidat 1 (offre n° 7)".into()])
        );
        let rank_one = Some(Choice {
            kind: Ranked,
            rank: Some(1),
        });
        let shared = plan_close(&session(
            2,
            vec![
                candidate(1, rank_one, vec![]),
                candidate(2, rank_one, vec![]),
            ],
        ))
        .unwrap_err();
        assert_eq!(
            shared,
            Refusal::SameRank {
                offer_id: 7,
                rank: 1
            }
        );
        assert_eq!(
            close_letter(
                Choice {
                    kind: Irrecevable,
                    rank: None
                },
                true
            ),
            CloseLetter::Inadmissible
        );
    }
}
