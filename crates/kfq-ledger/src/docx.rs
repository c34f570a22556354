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
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Sizes are in half-points: 二号 22pt = 44, 三号 16pt = 32, 四号 14pt = 28.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋_GB2312"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:pPr><w:spacing w:before="0" w:after="560" w:line="700" w:lineRule="exact"/><w:jc w:val="center"/></w:pPr><w:rPr><w:rFonts w:eastAsia="方正小标宋简体"/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Body"><w:name w:val="Body Text"/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Signature"><w:name w:val="Signature"/><w:pPr><w:jc w:val="right"/></w:pPr></w:style><w:style w:type="table" w:styleId="Grid"><w:name w:val="Table Grid"/><w:rPr><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders></w:tblPr></w:style></w:styles>"#;

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

fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let row = |cells: &[String], bold: bool| {
        let cells: String = cells
            .iter()
            .map(|c| {
                let b = if bold { "<w:rPr><w:b/></w:rPr>" } else { "" };
                format!(
                    r#"<w:tc><w:p><w:r>{b}<w:t xml:space="preserve">{}</w:t></w:r></w:p></w:tc>"#,
                    escape(c)
                )
            })
            .collect();
        format!("<w:tr>{cells}</w:tr>")
    };
    let grid: String = header.iter().map(|_| "<w:gridCol/>").collect();
    let body: String = rows.iter().map(|r| row(r, false)).collect();
    format!(
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/><w:tblW w:w="5000" w:type="pct"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{}{body}</w:tbl><w:p/>"#,
        row(header, true)
    )
}

impl Document {
    fn body(&self) -> String {
        let blocks: String = self
            .blocks
            .iter()
            .map(|block| match block {
                Block::Title(t) => paragraph("Title", t),
                Block::Heading(t) => paragraph("Heading1", t),
                Block::Paragraph(t) => paragraph("Body", t),
                Block::Line(t) => paragraph("Normal", t),
                Block::Signature(t) => paragraph("Signature", t),
                Block::Table { header, rows } => table(header, rows),
            })
            .collect();
        // A4 with 公文 margins: 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (in twips).
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{blocks}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>"#
        )
    }

    /// The document as a DOCX file's bytes.
    pub fn write(&self) -> Result<Vec<u8>, DocxError> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in [
            ("[Content_Types].xml", CONTENT_TYPES.to_string()),
            ("_rels/.rels", RELS.to_string()),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
            ("word/styles.xml", STYLES.to_string()),
            ("word/document.xml", self.body()),
        ] {
            zip.start_file(name, options)?;
            zip.write_all(text.as_bytes())?;
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
}
