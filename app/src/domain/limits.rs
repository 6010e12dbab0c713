//! The largest file of each kind people send, known to the page (which warns before sending) and
//! to the server (which refuses past it).

/// A proof: a scanned page or a phone photo fits well within it.
pub const DOCUMENT_BYTES: usize = 5 * 1024 * 1024;
/// A unit's photo, before it is resized.
pub const PHOTO_BYTES: usize = 8 * 1024 * 1024;
/// A CSV file of units.
pub const IMPORT_BYTES: usize = 5 * 1024 * 1024;

/// "5 Mo", "6,2 Mo": a size as people read it.
pub fn megabytes(bytes: u64) -> String {
    let tenths = (bytes * 10).div_ceil(1024 * 1024);
    if tenths % 10 == 0 {
        format!("{} Mo", tenths / 10)
    } else {
        format!("{},{} Mo", tenths / 10, tenths % 10)
    }
}

/// Why a chosen file cannot be sent, before sending it.
pub fn too_large(bytes: u64, limit: usize) -> Option<String> {
    (bytes > limit as u64).then(|| {
        format!(
            "Le fichier fait {} : {} au plus. Réduisez-le (un scan en qualité « document », une photo plus petite) ou choisissez-en un autre.",
            megabytes(bytes),
            megabytes(limit as u64)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(megabytes(5 * 1024 * 1024), "5 Mo");
        assert_eq!(megabytes(6_500_000), "6,2 Mo");
        assert!(too_large(DOCUMENT_BYTES as u64, DOCUMENT_BYTES).is_none());
        let message = too_large(6_500_000, DOCUMENT_BYTES).unwrap();
        assert!(message.starts_with("Le fichier fait 6,2 Mo : 5 Mo au plus."), "{message}");
    }
}
