//! PDF documents sent out of the platform (the commission's minutes, the réservataires' bilans):
//! A4 pages set in DejaVu Sans, embedded and subset by krilla, so that every name prints as it is
//! written (Nguyễn, Łukasz, Ayşe, Ţepeş), with wrapped paragraphs, tables whose header is repeated
//! on each page they run over, and "page n sur N" at the foot of every page.
//!
//! Layout is done here, in two passes: lines are measured with the font's own advances and laid
//! out into pages, then drawn once the number of pages is known.

use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Stroke;
use krilla::text::{Font, TextDirection};
use std::sync::LazyLock;

/// One part of a document, in reading order.
pub enum Block {
    Title(String),
    Heading(String),
    Paragraph(String),
    Table(Table),
}

/// A table: its columns (header and share of the width) and its rows of cells.
pub struct Table {
    pub columns: Vec<(String, f32)>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, thiserror::Error)]
#[error("the PDF could not be written: {0}")]
pub struct PdfError(String);

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Where the page number's baseline sits, under the text block.
const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 28.0;
const CELL_PADDING: f32 = 3.0;

/// A face's bytes, parsed for measuring, and the font krilla embeds.
struct Face {
    metrics: ttf_parser::Face<'static>,
    font: Font,
}

fn face(bytes: &'static [u8]) -> Face {
    // The fonts are compiled in and known good: failing here is a broken build, caught by the
    // tests below, never a user's input.
    Face {
        metrics: ttf_parser::Face::parse(bytes, 0).expect("embedded DejaVu font parses"),
        font: Font::new(bytes.into(), 0).expect("embedded DejaVu font loads"),
    }
}

static REGULAR: LazyLock<Face> = LazyLock::new(|| face(dejavu::sans::regular()));
static BOLD: LazyLock<Face> = LazyLock::new(|| face(dejavu::sans::bold()));

#[derive(Clone, Copy, PartialEq)]
enum Weight {
    Regular,
    Bold,
}

impl Weight {
    fn face(self) -> &'static Face {
        match self {
            Weight::Regular => &REGULAR,
            Weight::Bold => &BOLD,
        }
    }
}

/// The width of `text` at `size` points.
fn width(text: &str, weight: Weight, size: f32) -> f32 {
    let face = &weight.face().metrics;
    let units: u32 = text
        .chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(u32::from(face.units_per_em()) / 2, u32::from)
        })
        .sum();
    units as f32 * size / f32::from(face.units_per_em())
}

/// Lines of at most `max` points: words are kept whole unless one alone is wider than a line.
fn wrap(text: &str, weight: Weight, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        // Plain spaces only: a no-break space ("30 %", "1 500 €") keeps its two sides together.
        for word in paragraph.split([' ', '\t']).filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, weight, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line (a long reference) is cut where it must be.
            for c in word.chars() {
                line.push(c);
                if width(&line, weight, size) > max && line.chars().count() > 1 {
                    let last = line.pop().unwrap_or(c);
                    lines.push(std::mem::replace(&mut line, last.to_string()));
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// One thing to draw on a page.
enum Mark {
    Text {
        x: f32,
        baseline: f32,
        text: String,
        weight: Weight,
        size: f32,
    },
    Rule {
        y: f32,
    },
}

/// Pages being filled, top to bottom.
struct Pages {
    pages: Vec<Vec<Mark>>,
    /// Where the next line's top goes on the last page.
    y: f32,
}

impl Pages {
    fn new() -> Pages {
        Pages {
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    fn bottom() -> f32 {
        FOOTER_BASELINE - 20.0
    }

    /// Starts a new page unless `height` still fits on this one.
    fn room_for(&mut self, height: f32) -> bool {
        if self.y + height > Self::bottom() && self.y > MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
            true
        } else {
            false
        }
    }

    fn mark(&mut self, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.push(mark);
        }
    }

    fn text_lines(&mut self, text: &str, weight: Weight, size: f32, space_before: f32) {
        let line_height = size * 1.35;
        let lines = wrap(text, weight, size, CONTENT_WIDTH);
        self.y += space_before;
        for line in lines {
            self.room_for(line_height);
            self.mark(Mark::Text {
                x: MARGIN,
                baseline: self.y + size,
                text: line,
                weight,
                size,
            });
            self.y += line_height;
        }
    }

    fn table(&mut self, table: &Table) {
        const SIZE: f32 = 8.5;
        let line_height = SIZE * 1.3;
        let total: f32 = table
            .columns
            .iter()
            .map(|(_, w)| w)
            .sum::<f32>()
            .max(f32::EPSILON);
        let widths: Vec<f32> = table
            .columns
            .iter()
            .map(|(_, w)| w / total * CONTENT_WIDTH)
            .collect();
        let lay_row = |cells: &[String], weight: Weight| -> (Vec<Vec<String>>, f32) {
            let wrapped: Vec<Vec<String>> = widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let text = cells.get(i).map_or("", String::as_str);
                    wrap(text, weight, SIZE, w - 2.0 * CELL_PADDING)
                })
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            (wrapped, lines as f32 * line_height + 2.0 * CELL_PADDING)
        };
        let header: Vec<String> = table.columns.iter().map(|(h, _)| h.clone()).collect();
        let (header_cells, header_height) = lay_row(&header, Weight::Bold);
        let draw_row = |pages: &mut Pages, cells: &[Vec<String>], height: f32, weight: Weight| {
            let mut x = MARGIN;
            for (lines, w) in cells.iter().zip(&widths) {
                for (n, line) in lines.iter().enumerate() {
                    pages.mark(Mark::Text {
                        x: x + CELL_PADDING,
                        baseline: pages.y + CELL_PADDING + SIZE + n as f32 * line_height,
                        text: line.clone(),
                        weight,
                        size: SIZE,
                    });
                }
                x += w;
            }
            pages.y += height;
            pages.mark(Mark::Rule { y: pages.y });
        };
        self.y += 6.0;
        self.room_for(header_height + line_height * 2.0);
        self.mark(Mark::Rule { y: self.y });
        draw_row(&mut *self, &header_cells, header_height, Weight::Bold);
        for row in &table.rows {
            let (cells, height) = lay_row(row, Weight::Regular);
            if self.room_for(height) {
                // A table running over to a new page shows its header again.
                self.mark(Mark::Rule { y: self.y });
                draw_row(&mut *self, &header_cells, header_height, Weight::Bold);
            }
            draw_row(&mut *self, &cells, height, Weight::Regular);
        }
        self.y += 4.0;
    }
}

/// The document as PDF bytes; `title` goes in its metadata.
pub fn render(title: &str, blocks: &[Block]) -> Result<Vec<u8>, PdfError> {
    let mut pages = Pages::new();
    for block in blocks {
        match block {
            Block::Title(text) => pages.text_lines(text, Weight::Bold, 15.0, 0.0),
            Block::Heading(text) => pages.text_lines(text, Weight::Bold, 11.5, 10.0),
            Block::Paragraph(text) => pages.text_lines(text, Weight::Regular, 9.5, 3.0),
            Block::Table(table) => pages.table(table),
        }
    }
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language("fr".to_string())
            .producer("locactive".to_string()),
    );
    let count = pages.pages.len();
    let settings =
        PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or_else(|| PdfError("A4".into()))?;
    for (n, marks) in pages.pages.into_iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for mark in marks {
            match mark {
                Mark::Text {
                    x,
                    baseline,
                    text,
                    weight,
                    size,
                } => surface.draw_text(
                    Point::from_xy(x, baseline),
                    weight.face().font.clone(),
                    size,
                    &text,
                    false,
                    TextDirection::Auto,
                ),
                Mark::Rule { y } => {
                    let mut path = PathBuilder::new();
                    path.move_to(MARGIN, y);
                    path.line_to(PAGE_WIDTH - MARGIN, y);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: 0.5,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
            }
        }
        let footer = format!("Page {} sur {count}", n + 1);
        let size = 8.0;
        surface.draw_text(
            Point::from_xy(
                PAGE_WIDTH - MARGIN - width(&footer, Weight::Regular, size),
                FOOTER_BASELINE,
            ),
            REGULAR.font.clone(),
            size,
            &footer,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|error| PdfError(format!("{error:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_within_the_width_and_long_words_are_cut() {
        let narrow = width("un deux", Weight::Regular, 10.0) + 0.5;
        let lines = wrap("un deux trois quatre", Weight::Regular, 10.0, narrow);
        assert_eq!(lines[0], "un deux");
        assert!(
            lines
                .iter()
                .all(|l| width(l, Weight::Regular, 10.0) <= narrow)
        );
        let cut = wrap("anticonstitutionnellement", Weight::Regular, 10.0, narrow);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), "anticonstitutionnellement");
    }

    #[test]
    fn the_fonts_have_every_letter_of_the_names_we_print() {
        for c in "Nguyễn Łukasz Ayşe Ţepeş Đặng Øyvind Ñúñez Œuvre «»—’€".chars()
        {
            if c.is_whitespace() {
                continue;
            }
            for weight in [Weight::Regular, Weight::Bold] {
                assert!(
                    weight.face().metrics.glyph_index(c).is_some(),
                    "no glyph for {c:?}"
                );
            }
        }
    }

    #[test]
    fn a_long_table_renders_with_the_font_embedded() {
        let table = Table {
            columns: vec![("Rang".into(), 1.0), ("Candidat".into(), 4.0)],
            rows: (1..=150)
                .map(|i| vec![i.to_string(), format!("Nguyễn Văn {i}")])
                .collect(),
        };
        let pdf = render(
            "Procès-verbal — séance",
            &[Block::Title("Procès-verbal".into()), Block::Table(table)],
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // The font is embedded (a subset of it), not a standard one the reader may lack. The
        // pages and their text are read back in the server's tests.
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("DejaVuSans"));
        // The title, in UTF-16 in the document's information: "P r o c è s…", its dash kept.
        let at = text.find("/Title").expect("a title");
        assert!(
            text[at..].starts_with("/Title<FEFF00500072006F006300E80073"),
            "{}",
            &text[at..at + 80]
        );
    }
}
