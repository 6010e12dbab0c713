//! The e-mails the platform sends, in French, as plain text.

use super::mail::OutgoingMail;

const SIGNATURE: &str = "\n--\nlocactive, la location active du logement social\nCe message est envoyé automatiquement : merci de ne pas y répondre.\n";

pub fn activation(to: &str, name: &str, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Activez votre compte locactive".into(),
        body: format!(
            "Bonjour {name},\n\nVous venez de créer un compte demandeur sur locactive. Pour l'activer, ouvrez ce lien dans les 48 heures :\n\n{link}\n\nSi vous n'êtes pas à l'origine de cette inscription, ignorez ce message : aucun compte ne sera activé.\n{SIGNATURE}"
        ),
    }
}

pub fn already_registered(
    to: &str,
    name: &str,
    login_link: &str,
    reset_link: &str,
) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Vous avez déjà un compte locactive".into(),
        body: format!(
            "Bonjour {name},\n\nQuelqu'un, peut-être vous, a demandé à créer un compte avec cette adresse, qui en possède déjà un.\n\nPour vous connecter : {login_link}\nMot de passe oublié : {reset_link}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n{SIGNATURE}"
        ),
    }
}

pub fn password_reset(to: &str, name: &str, link: &str) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: "Réinitialisation de votre mot de passe locactive".into(),
        body: format!(
            "Bonjour {name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure qui vient (il ne sert qu'une fois) :\n\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de passe actuel reste valable.\n{SIGNATURE}"
        ),
    }
}

pub fn invitation(
    to: &str,
    name: &str,
    role_label: &str,
    organisation: &str,
    link: &str,
) -> OutgoingMail {
    OutgoingMail {
        to: to.into(),
        subject: format!("Invitation à rejoindre {organisation} sur locactive"),
        body: format!(
            "Bonjour {name},\n\nVous êtes invité(e) sur locactive en tant que « {role_label} » pour {organisation}.\nPour accepter et choisir votre mot de passe, ouvrez ce lien dans les 7 jours :\n\n{link}\n{SIGNATURE}"
        ),
    }
}
