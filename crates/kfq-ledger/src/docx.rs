//! Word documents (DOCX) out: minutes and bulletins laid out the way 党政机关公文 are (GB/T
//! 9704): a title in 小标宋 二号, the body in 仿宋 三号, headings in 黑体; and the text read
//! back, to check what was written.

use std::io::{Cursor, Read, Write};

/// A part of a document, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// 标题 — centred, large.
    Title(String),
    /// 一级标题 — 黑体.
    Heading(String),
    /// 二级标题 — 楷体 (“（一）…”).
    Subheading(String),
    /// 正文 — indented two characters.
    Paragraph(String),
    /// A plain line, not indented (主送, a list entry).
    Line(String),
    /// A table with a header row.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// 落款 — right-aligned (issuer, date).
    Signature(String),
    /// A picture (a chart) as PNG bytes, centred, the text's width, with its caption under it.
    Image { png: Vec<u8>, caption: String },
}

/// The typefaces of a document's roles (GB/T 9704: 标题 小标宋, 正文 仿宋, 一级标题 黑体,
/// 二级标题 楷体). A machine without them needs substitutes, named in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fonts {
    pub title: String,
    pub body: String,
    pub heading: String,
    pub subheading: String,
    /// Figures and Latin letters.
    pub latin: String,
}

impl Fonts {
    /// The typefaces GB/T 9704 asks for.
    pub fn official() -> Fonts {
        Fonts {
            title: "方正小标宋简体".into(),
            body: "仿宋_GB2312".into(),
            heading: "黑体".into(),
            subheading: "楷体_GB2312".into(),
            latin: "Times New Roman".into(),
        }
    }

    fn each(&self) -> [&str; 5] {
        [
            &self.title,
            &self.body,
            &self.heading,
            &self.subheading,
            &self.latin,
        ]
    }
}

/// What stands in for an official face where it is missing.
struct Face {
    official: &'static str,
    /// What Word takes instead (the font table's altName).
    word: Option<&'static str>,
    /// What kfq writes with instead, the first installed of them: Debian's fonts-noto-cjk last,
    /// 宋 for 小标宋, 仿宋 and 楷体 (Noto has no 仿宋 or 楷体 of its own), 黑 for 黑体.
    fallbacks: &'static [&'static str],
}

const FACES: &[Face] = &[
    Face {
        official: "方正小标宋简体",
        word: Some("宋体"),
        fallbacks: &["方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"],
    },
    Face {
        official: "仿宋_GB2312",
        word: Some("仿宋"),
        fallbacks: &["仿宋", "FangSong", "Noto Serif CJK SC"],
    },
    Face {
        official: "黑体",
        word: Some("SimHei"),
        fallbacks: &["SimHei", "Noto Sans CJK SC"],
    },
    Face {
        official: "楷体_GB2312",
        word: Some("楷体"),
        fallbacks: &["楷体", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC"],
    },
    Face {
        official: "Times New Roman",
        word: None,
        fallbacks: &["Liberation Serif", "Noto Serif CJK SC"],
    },
];

fn face(name: &str) -> Option<&'static Face> {
    FACES.iter().find(|f| f.official == name)
}

/// The faces to write with on a machine that has `installed` families: each official face
/// where present, else its first fallback present (else the official name, left to the
/// reader's machine); and each substitution made, official → used, to be named.
pub fn substitutes(
    official: &Fonts,
    installed: &std::collections::HashSet<String>,
) -> (Fonts, Vec<(String, String)>) {
    let mut named = Vec::new();
    let mut pick = |face: &str| -> String {
        if installed.contains(face) {
            return face.to_string();
        }
        let fallbacks = self::face(face).map_or(&[][..], |f| f.fallbacks);
        match fallbacks.iter().find(|f| installed.contains(**f)) {
            Some(used) => {
                named.push((face.to_string(), used.to_string()));
                used.to_string()
            }
            None => face.to_string(),
        }
    };
    let fonts = Fonts {
        title: pick(&official.title),
        body: pick(&official.body),
        heading: pick(&official.heading),
        subheading: pick(&official.subheading),
        latin: pick(&official.latin),
    };
    (fonts, named)
}

/// A document to write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub blocks: Vec<Block>,
}

/// Writing or reading a document failed.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("DOCX archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("DOCX archive: {0}")]
    Io(#[from] std::io::Error),
    #[error("not a Word document: it has no word/document.xml")]
    NoBody,
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/></Types>"#;

/// 页码: “— 1 —” centred in 宋体 四号, as 公文 number their pages.
const FOOTER: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">— </w:t></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t>1</w:t></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r><w:r><w:rPr><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// The document's parts: styles, fonts, the footer, and one picture per image block.
fn document_rels(images: usize) -> String {
    let pictures: String = (1..=images)
        .map(|n| {
            format!(
                r#"<Relationship Id="rIdImage{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image{n}.png"/>"#
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>{pictures}</Relationships>"#
    )
}

/// The font table: each face of the roles, with what Word takes where it is missing.
fn font_table(fonts: &Fonts) -> String {
    let faces: String = fonts
        .each()
        .iter()
        .map(|name| {
            let alternate = face(name)
                .and_then(|f| f.word)
                .map(|alt| format!(r#"<w:altName w:val="{alt}"/>"#))
                .unwrap_or_default();
            format!(
                r#"<w:font w:name="{}">{alternate}<w:charset w:val="86"/></w:font>"#,
                escape(name)
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{faces}</w:fonts>"#
    )
}

/// Sizes are in half-points: 二号 22pt = 44, 三号 16pt = 32, 四号 14pt = 28.
fn styles(fonts: &Fonts) -> String {
    let f = |name: &str| escape(name);
    let latin = f(&fonts.latin);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{}"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:pPr><w:spacing w:before="0" w:after="560" w:line="700" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:eastAsia="{}"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:rPr><w:rFonts w:eastAsia="{}"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Body"><w:name w:val="Body Text"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:rPr><w:rFonts w:eastAsia="{}"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:pPr><w:spacing w:line="400" w:lineRule="exact" w:after="240"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Picture"><w:name w:val="Picture"/><w:pPr><w:spacing w:line="240" w:lineRule="auto" w:before="120"/><w:jc w:val="center"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Signature"><w:name w:val="Signature"/><w:pPr><w:jc w:val="right"/></w:pPr></w:style><w:style w:type="table" w:styleId="Grid"><w:name w:val="Table Grid"/><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders></w:tblPr></w:style><w:style w:type="paragraph" w:styleId="Cell"><w:name w:val="Table Cell"/><w:pPr><w:spacing w:line="360" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style></w:styles>"#,
        f(&fonts.body),
        f(&fonts.title),
        f(&fonts.heading),
        f(&fonts.subheading),
    )
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A paragraph of a style; line breaks in the text become breaks in the paragraph.
fn paragraph(style: &str, text: &str) -> String {
    let runs: Vec<String> = text
        .split('\n')
        .map(|line| format!(r#"<w:t xml:space="preserve">{}</w:t>"#, escape(line)))
        .collect();
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r>{}</w:r></w:p>"#,
        runs.join("<w:br/>")
    )
}

/// The text's width on an A4 page with 公文 margins: 156 mm, in twips (56.7 to the mm).
const TEXT_WIDTH_TWIPS: u32 = 8845;

/// How wide a text prints, in half-characters (a Chinese character is two).
fn text_width(text: &str) -> u32 {
    text.chars()
        .map(|c| if c.len_utf8() > 1 { 2 } else { 1 })
        .sum()
}

/// A half-character of 小四 (12 pt): 6 pt, in twips, with room for the cell's margins.
const HALF_CHARACTER_TWIPS: u32 = 140;

/// Each column's width in twips: as wide as its widest cell (a header may wrap to three lines),
/// the table as wide as the text. Where that is too wide, figures and short columns keep
/// their width and the columns of long text (names) share what is left, and wrap.
fn column_widths(header: &[String], rows: &[Vec<String>]) -> Vec<u32> {
    let wants: Vec<u32> = header
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let widest = rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|t| text_width(t))
                .max()
                .unwrap_or(0);
            widest.max(text_width(h).div_ceil(3)).max(4) + 2
        })
        .collect();
    let total: u32 = wants.iter().sum::<u32>().max(1);
    if total * HALF_CHARACTER_TWIPS <= TEXT_WIDTH_TWIPS {
        return wants.iter().map(|w| TEXT_WIDTH_TWIPS * w / total).collect();
    }
    // Long text columns wrap, at six characters at least; the others keep their width, or
    // as much of it as is left.
    let long = |w: &u32| *w > 14;
    let fixed: u32 = wants.iter().filter(|w| !long(w)).sum::<u32>() * HALF_CHARACTER_TWIPS;
    let wrapping: u32 = wants.iter().filter(|w| long(w)).sum::<u32>();
    let least = wants.iter().filter(|w| long(w)).count() as u32 * 12 * HALF_CHARACTER_TWIPS;
    let room = TEXT_WIDTH_TWIPS.saturating_sub(least).min(fixed).max(1);
    let left = TEXT_WIDTH_TWIPS.saturating_sub(room);
    wants
        .iter()
        .map(|w| match long(w) {
            true => left * w / wrapping.max(1),
            false => room * w * HALF_CHARACTER_TWIPS / fixed.max(1),
        })
        .collect()
}

fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let widths = column_widths(header, rows);
    let row = |cells: &[String], bold: bool| {
        let cells: String = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let b = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
                format!(
                    r#"<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="Cell"/></w:pPr><w:r>{b}<w:t xml:space="preserve">{}</w:t></w:r></w:p></w:tc>"#,
                    escape(c)
                )
            })
            .collect();
        let repeat = if bold {
            "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
        } else {
            "<w:trPr><w:cantSplit/></w:trPr>"
        };
        format!("<w:tr>{repeat}{cells}</w:tr>")
    };
    let grid: String = widths
        .iter()
        .map(|w| format!(r#"<w:gridCol w:w="{w}"/>"#))
        .collect();
    let body: String = rows.iter().map(|r| row(r, false)).collect();
    format!(
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/><w:tblW w:w="{TEXT_WIDTH_TWIPS}" w:type="dxa"/><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{}{body}</w:tbl><w:p/>"#,
        row(header, true)
    )
}

/// A PNG's size in pixels, from its header.
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    let decoder = png::Decoder::new(Cursor::new(png));
    let info = decoder.read_info().ok()?.info().size();
    Some(info)
}

/// The text's width on an A4 page with 公文 margins: 156 mm, in EMU (36,000 to the mm).
const TEXT_WIDTH_EMU: u64 = 156 * 36_000;

/// A picture as wide as the text, its height kept in proportion, and its caption.
fn picture(n: usize, png: &[u8], caption: &str) -> String {
    let (w, h) = png_size(png).unwrap_or((4, 3));
    let (cx, cy) = (
        TEXT_WIDTH_EMU,
        TEXT_WIDTH_EMU * u64::from(h) / u64::from(w.max(1)),
    );
    let name = escape(caption);
    let drawing = format!(
        r#"<w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{n}" name="图{n}" descr="{name}"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="{n}" name="image{n}.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImage{n}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"#
    );
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="Picture"/><w:keepNext/></w:pPr><w:r>{drawing}</w:r></w:p>{}"#,
        paragraph("Caption", caption)
    )
}

impl Document {
    /// The pictures, in order (they become word/media/image1.png…).
    fn images(&self) -> Vec<&[u8]> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Image { png, .. } => Some(png.as_slice()),
                _ => None,
            })
            .collect()
    }

    fn body(&self) -> String {
        let mut pictures = 0;
        let blocks: String = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Title(t) => paragraph("Title", t),
                Block::Heading(t) => paragraph("Heading1", t),
                Block::Subheading(t) => paragraph("Heading2", t),
                Block::Paragraph(t) => paragraph("Body", t),
                Block::Line(t) => paragraph("Normal", t),
                Block::Signature(t) => paragraph("Signature", t),
                Block::Table { header, rows } => table(header, rows),
                Block::Image { png, caption } => {
                    pictures += 1;
                    picture(pictures, png, caption)
                }
            })
            .collect();
        // A4 with 公文 margins: 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (in twips).
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><w:body>{blocks}<w:sectPr><w:footerReference w:type="default" r:id="rId3"/><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>"#
        )
    }

    /// The document as a DOCX file's bytes, in the official typefaces.
    pub fn write(&self) -> Result<Vec<u8>, DocxError> {
        self.write_with(&Fonts::official())
    }

    /// The document in the given typefaces (substitutes on a machine without the official
    /// ones, for a PDF that embeds what it shows).
    pub fn write_with(&self, fonts: &Fonts) -> Result<Vec<u8>, DocxError> {
        let images = self.images();
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in [
            ("[Content_Types].xml", CONTENT_TYPES.to_string()),
            ("_rels/.rels", RELS.to_string()),
            ("word/_rels/document.xml.rels", document_rels(images.len())),
            ("word/styles.xml", styles(fonts)),
            ("word/fontTable.xml", font_table(fonts)),
            ("word/footer1.xml", FOOTER.to_string()),
            ("word/document.xml", self.body()),
        ] {
            zip.start_file(name, options)?;
            zip.write_all(text.as_bytes())?;
        }
        // PNGs are compressed already.
        let stored = options.compression_method(zip::CompressionMethod::Stored);
        for (i, png) in images.iter().enumerate() {
            zip.start_file(format!("word/media/image{}.png", i + 1), stored)?;
            zip.write_all(png)?;
        }
        Ok(zip.finish()?.into_inner())
    }
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The text of a paragraph's markup: what lies between tags, a break read as a line break.
fn text_of(para: &str) -> String {
    let mut text = String::new();
    let mut rest = para;
    while let Some(start) = rest.find('<') {
        let (before, tag) = rest.split_at(start);
        text.push_str(&unescape(before));
        if tag.starts_with("<w:br") {
            text.push('\n');
        }
        rest = tag.find('>').map_or("", |end| &tag[end + 1..]);
    }
    text.push_str(&unescape(rest));
    text
}

/// The text of a DOCX file's paragraphs (table cells are paragraphs too), in order; a break
/// within a paragraph reads as a line break.
pub fn paragraphs(bytes: &[u8]) -> Result<Vec<String>, DocxError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))?;
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .map_err(|_| DocxError::NoBody)?
        .read_to_string(&mut xml)?;
    let mut out = Vec::new();
    let mut rest = xml.as_str();
    while let Some(at) = rest.find("<w:p") {
        let after = &rest[at + 4..];
        rest = after;
        if !(after.starts_with('>') || after.starts_with(' ') || after.starts_with('/')) {
            continue; // <w:pPr>, <w:pStyle>…
        }
        let (tag, body) = after.split_once('>').unwrap_or((after, ""));
        if tag.ends_with('/') {
            out.push(String::new());
        } else {
            out.push(text_of(body.split("</w:p>").next().unwrap_or_default()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back_in_order_with_markup_characters_kept() {
        let doc = Document {
            blocks: vec![
                Block::Title("第47周项目调度会纪要".into()),
                Block::Heading("一、议定事项".into()),
                Block::Paragraph("A&B <公司> \"二期\"\n第二行\u{FFFF}".into()),
                Block::Table {
                    header: vec!["项目".into(), "议定".into()],
                    rows: vec![vec!["年产10万吨".into(), "限期解决".into()]],
                },
                Block::Signature("吕梁经济技术开发区管委会".into()),
            ],
        };
        let bytes = doc.write().unwrap();
        assert_eq!(
            paragraphs(&bytes).unwrap(),
            [
                "第47周项目调度会纪要",
                "一、议定事项",
                "A&B <公司> \"二期\"\n第二行",
                "项目",
                "议定",
                "年产10万吨",
                "限期解决",
                "",
                "吕梁经济技术开发区管委会",
            ]
        );
        let mut archive = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        let mut styles = String::new();
        archive
            .by_name("word/styles.xml")
            .unwrap()
            .read_to_string(&mut styles)
            .unwrap();
        assert!(styles.contains("仿宋_GB2312") && styles.contains("方正小标宋简体"));
        assert!(matches!(paragraphs(b"not a zip"), Err(DocxError::Zip(_))));
    }

    #[test]
    fn a_missing_official_face_is_replaced_by_an_installed_one_and_named() {
        let installed: std::collections::HashSet<String> =
            ["Noto Serif CJK SC", "Noto Sans CJK SC", "黑体"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        let (fonts, named) = substitutes(&Fonts::official(), &installed);
        assert_eq!(fonts.title, "Noto Serif CJK SC");
        assert_eq!(fonts.heading, "黑体", "an installed official face is kept");
        assert_eq!(fonts.body, "Noto Serif CJK SC");
        assert!(named.contains(&("仿宋_GB2312".into(), "Noto Serif CJK SC".into())));
        assert!(!named.iter().any(|(o, _)| o == "黑体"));
        // Nothing to fall back on: the official name stays, for the reader's machine.
        let (fonts, named) = substitutes(&Fonts::official(), &Default::default());
        assert_eq!((fonts, named.len()), (Fonts::official(), 0));
    }

    #[test]
    fn a_picture_is_packed_with_its_size_and_caption() {
        // A white picture 400 × 300.
        let mut png = Vec::new();
        let mut encoder = png::Encoder::new(&mut png, 400, 300);
        encoder.set_color(png::ColorType::Grayscale);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&[255; 400 * 300]).unwrap();
        writer.finish().unwrap();
        assert_eq!(png_size(&png), Some((400, 300)));
        let doc = Document {
            blocks: vec![Block::Image {
                png: png.clone(),
                caption: "图1  各市项目总投资".into(),
            }],
        };
        let bytes = doc.write().unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
        let mut stored = Vec::new();
        archive
            .by_name("word/media/image1.png")
            .unwrap()
            .read_to_end(&mut stored)
            .unwrap();
        assert_eq!(stored, png);
        let mut body = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut body)
            .unwrap();
        // 156 mm wide, 117 mm high (3:4).
        assert!(
            body.contains(r#"<wp:extent cx="5616000" cy="4212000"/>"#),
            "{body}"
        );
        assert!(paragraphs(&bytes)
            .unwrap()
            .contains(&"图1  各市项目总投资".to_string()));
    }
}
