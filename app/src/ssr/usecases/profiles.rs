//! Saving one part of an applicant's profile, by the applicant or by staff at the counter.

use super::Work;
use crate::domain::profile::{
    HousingInput, MemberInput, Part, RequestInput, ResourcesInput, WishesInput, member_incomes,
    valid_situations,
};
use crate::error::{AppError, FieldErrors};
use crate::ssr::AppState;
use crate::ssr::store::profiles;
use crate::ssr::subject::{Subject, audit_assisted, today};

/// One part of a profile as it was sent, not yet checked.
pub enum PartInput {
    AddMember(MemberInput),
    RemoveMember(i64),
    Resources {
        input: ResourcesInput,
        /// Each adult's income as typed, by member.
        incomes: Vec<(i64, String)>,
    },
    Housing(HousingInput),
    Request(RequestInput),
    Situations {
        dalo: bool,
        situations: Vec<String>,
        action_logement_employee: bool,
    },
    Wishes(WishesInput),
}

impl PartInput {
    pub fn part(&self) -> Part {
        match self {
            PartInput::AddMember(_) | PartInput::RemoveMember(_) => Part::Household,
            PartInput::Resources { .. } => Part::Resources,
            PartInput::Housing(_) => Part::Housing,
            PartInput::Request(_) => Part::Request,
            PartInput::Situations { .. } => Part::Situations,
            PartInput::Wishes(_) => Part::Wishes,
        }
    }
}

/// Checks a part and saves it, in one unit of work with the audit entry when staff act. Checks
/// that depend on what is stored (the household's members) read it in the same unit.
pub async fn save(state: &AppState, subject: &Subject, input: PartInput) -> Result<(), AppError> {
    let part = input.part();
    let user_id = subject.user_id;
    let mut work = Work::begin(state).await?;
    match input {
        PartInput::AddMember(member) => {
            let existing = profiles::members(&mut work, user_id).await?;
            let member = member
                .validate(today(), &existing)
                .map_err(AppError::Invalid)?;
            profiles::add_member(&mut work, user_id, &member).await?;
        }
        PartInput::RemoveMember(member_id) => {
            if !profiles::remove_member(&mut work, user_id, member_id).await? {
                return Err(AppError::NotFound);
            }
        }
        PartInput::Resources { input, incomes } => {
            let (incomes, resources) = match (member_incomes(&incomes), input.validate()) {
                (Ok(incomes), Ok(resources)) => (incomes, resources),
                (incomes, resources) => {
                    let mut errors = FieldErrors::new();
                    errors.0.extend(incomes.err().into_iter().flat_map(|e| e.0));
                    errors
                        .0
                        .extend(resources.err().into_iter().flat_map(|e| e.0));
                    return Err(AppError::Invalid(errors));
                }
            };
            profiles::save_member_incomes(&mut work, user_id, &incomes).await?;
            profiles::save_resources(&mut work, user_id, &resources).await?;
        }
        PartInput::Housing(housing) => {
            let housing = housing.validate().map_err(AppError::Invalid)?;
            profiles::save_housing(&mut work, user_id, &housing).await?;
        }
        PartInput::Request(request) => {
            let request = request.validate(today()).map_err(AppError::Invalid)?;
            profiles::save_request(&mut work, user_id, &request).await?;
        }
        PartInput::Situations {
            dalo,
            situations,
            action_logement_employee,
        } => {
            let situations = valid_situations(&situations).map_err(AppError::Invalid)?;
            profiles::save_situations(
                &mut work,
                user_id,
                dalo,
                &situations,
                action_logement_employee,
            )
            .await?;
        }
        PartInput::Wishes(wishes) => {
            let wishes = wishes
                .validate(crate::ssr::reference::national())
                .map_err(AppError::Invalid)?;
            profiles::save_wishes(&mut work, user_id, &wishes).await?;
        }
    }
    audit_assisted(&mut work, subject, "assisted.profile", part.anchor()).await?;
    work.commit().await
}
