//! A small PDF writer for text documents (the commission's minutes): A4 pages, the standard
//! Helvetica fonts in WinAnsi encoding (French accents included), lines wrapped to the page.
//! Written here rather than pulled in: the minutes need nothing more, and a PDF crate would add
//! minutes of build time for it.

/// One paragraph of the document.
pub struct Block {
    pub text: String,
    pub style: Style,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Title,
    Heading,
    Body,
}

impl Style {
    fn size(self) -> f32 {
        match self {
            Style::Title => 15.0,
            Style::Heading => 12.0,
            Style::Body => 10.0,
        }
    }
    fn font(self) -> &'static str {
        match self {
            Style::Body => "F1",
            _ => "F2",
        }
    }
}

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;

/// Helvetica's characters average about half the font size: enough to wrap without metrics.
fn chars_per_line(style: Style) -> usize {
    ((PAGE_WIDTH - 2.0 * MARGIN) / (style.size() * 0.52)) as usize
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let needed =
                line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
            if needed > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// A character in Windows-1252, as the standard fonts read it; `?` when it has no place there.
fn win_ansi(c: char) -> u8 {
    match c {
        '\u{20}'..='\u{7e}' => c as u8,
        '\u{a0}' | '\u{202f}' | '\u{2009}' => b' ',
        '\u{a1}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        'Œ' => 0x8c,
        'œ' => 0x9c,
        _ => b'?',
    }
}

fn pdf_string(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let byte = win_ansi(c);
        if matches!(byte, b'(' | b')' | b'\\') {
            out.push(b'\\');
        }
        out.push(byte);
    }
    out.push(b')');
    out
}

/// A string of the document's metadata (its title). These are not drawn with a font: readers
/// decode them as PDFDocEncoding, where the WinAnsi byte of "—" is "Š". UTF-16 with its byte
/// order mark says every character as it is.
fn pdf_text_string(text: &str) -> Vec<u8> {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        out.push_str(&format!("{unit:04X}"));
    }
    out.push('>');
    out.into_bytes()
}

/// Lays the blocks out on pages and returns the PDF file.
pub fn render(title: &str, blocks: &[Block]) -> Vec<u8> {
    // Each page's content stream.
    let mut pages: Vec<Vec<u8>> = Vec::new();
    let mut content: Vec<u8> = Vec::new();
    let mut y = PAGE_HEIGHT - MARGIN;
    for block in blocks {
        let size = block.style.size();
        let leading = size * 1.35;
        let space_before = if block.style == Style::Body {
            2.0
        } else {
            size * 0.8
        };
        y -= space_before;
        for line in wrap(&block.text, chars_per_line(block.style)) {
            if y - leading < MARGIN {
                pages.push(std::mem::take(&mut content));
                y = PAGE_HEIGHT - MARGIN;
            }
            y -= leading;
            content.extend_from_slice(
                format!("BT /{} {size} Tf {MARGIN} {y:.1} Td ", block.style.font()).as_bytes(),
            );
            content.extend(pdf_string(&line));
            content.extend_from_slice(b" Tj ET\n");
        }
    }
    pages.push(content);
    let page_count = pages.len();

    // Objects: 1 catalog, 2 page tree, 3 and 4 fonts, 5 info, then a page and its content for
    // each page.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..page_count)
        .map(|i| format!("{} 0 R", 6 + 2 * i))
        .collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {page_count} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    let mut info = b"<< /Producer (locactive) /Title ".to_vec();
    info.extend(pdf_text_string(title));
    info.extend_from_slice(b" >>");
    objects.push(info);
    for (i, stream) in pages.into_iter().enumerate() {
        let content_id = 7 + 2 * i;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
                 /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {content_id} 0 R >>"
            )
            .into_bytes(),
        );
        let mut object = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        object.extend(stream);
        object.extend_from_slice(b"\nendstream");
        objects.push(object);
    }

    let mut file = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, object) in objects.iter().enumerate() {
        offsets.push(file.len());
        file.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        file.extend_from_slice(object);
        file.extend_from_slice(b"\nendobj\n");
    }
    let xref_at = file.len();
    file.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        file.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    file.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_document_spreads_over_pages_with_a_valid_cross_reference() {
        let blocks: Vec<Block> = (0..120)
            .map(|i| Block {
                text: format!("Ligne {i} : décision d'attribution, motif « ressources » (rang 2)"),
                style: if i % 40 == 0 {
                    Style::Heading
                } else {
                    Style::Body
                },
            })
            .collect();
        let pdf = render("Procès-verbal", &blocks);
        let text = String::from_utf8_lossy(&pdf);
        assert!(pdf.starts_with(b"%PDF-1.4"));
        assert!(text.contains("/Count 3"));
        // Every offset in the table points at its object.
        let xref = text.find("xref\n").unwrap();
        let entries: Vec<usize> = text[xref..]
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .map(|l| l[..10].parse().unwrap())
            .collect();
        for (i, offset) in entries.iter().enumerate() {
            assert!(pdf[*offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()));
        }
        // Accents are single WinAnsi bytes, parentheses are escaped.
        assert!(pdf.windows(3).any(|w| w == b"d\xe9c"));
        assert!(text.contains("\\(rang 2\\)"));
    }

    #[test]
    fn the_title_keeps_its_dashes_and_accents() {
        let pdf = render("Procès-verbal — séance", &[]);
        let text = String::from_utf8_lossy(&pdf);
        // "—" is U+2014 and "è" U+00E8 in the UTF-16 title.
        assert!(text.contains("/Title <FEFF00500072006F006300E80073"), "{text}");
        assert!(text.contains("2014"), "{text}");
    }

    #[test]
    fn words_wrap_within_the_width() {
        let lines = wrap("un deux trois quatre cinq", 10);
        assert_eq!(lines, vec!["un deux", "trois", "quatre", "cinq"]);
    }
}
