//! 图表 — the bar charts a bulletin carries, drawn to PNG here with a CJK font from the
//! machine's font packages (Debian's fonts-noto-cjk), so that a chart looks the same in Word,
//! in WPS and in the PDF, and needs no office suite to be drawn.
//!
//! Values come as whole numbers of the caller's smallest unit (yuan, ten-thousandths of a
//! point) with `per_unit` of them to one unit of the axis; the figures printed on the bars come
//! as text, formatted exactly by the caller. Only pixels are computed in floating point.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ab_glyph::{Font, FontVec, PxScale, ScaleFont};

/// A bar chart: one group of bars per category, one bar per series.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub title: String,
    /// Printed under the title: 单位：亿元.
    pub unit: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// How many of the values' units make one unit of the axis (100,000,000 yuan to 1 亿元).
    pub per_unit: i64,
    /// Bars run left to right, categories down the side (long zone names, rankings).
    pub horizontal: bool,
}

/// One series: a value and its printed figure per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
    pub labels: Vec<String>,
}

/// Drawing a chart failed.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error(
        "no CJK font to draw the chart's text: install Debian's fonts-noto-cjk or set \
         KFQ_CHART_FONT to a .ttf/.otf/.ttc file (tried {tried})"
    )]
    NoFont { tried: String },
    #[error("PNG: {0}")]
    Png(#[from] png::EncodingError),
}

/// Where a Chinese sans font is looked for, with the face to use in a collection (the Noto
/// CJK collections hold JP, KR, SC, TC, HK in that order: 2 is 简体).
const FONTS: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
        0,
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),
];

/// The font charts are drawn with, loaded once.
fn font() -> Result<&'static FontVec, ChartError> {
    static FONT: OnceLock<Result<FontVec, String>> = OnceLock::new();
    let loaded = FONT.get_or_init(|| {
        let mut candidates: Vec<(PathBuf, u32)> = Vec::new();
        if let Some(path) = std::env::var_os("KFQ_CHART_FONT") {
            candidates.push((PathBuf::from(path), 0));
        }
        candidates.extend(FONTS.iter().map(|(p, i)| (PathBuf::from(p), *i)));
        for (path, index) in &candidates {
            if let Some(font) = load(path, *index) {
                return Ok(font);
            }
        }
        Err(candidates
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "))
    });
    loaded.as_ref().map_err(|tried| ChartError::NoFont {
        tried: tried.clone(),
    })
}

fn load(path: &Path, index: u32) -> Option<FontVec> {
    let bytes = std::fs::read(path).ok()?;
    FontVec::try_from_vec_and_index(bytes.clone(), index)
        .or_else(|_| FontVec::try_from_vec(bytes))
        .ok()
        .filter(|f| f.glyph_id('开').0 != 0)
}

type Rgb = [u8; 3];
const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [38, 38, 38];
const GRID: Rgb = [217, 217, 217];
const GREY: Rgb = [110, 110, 110];
/// 公文 charts: red first, then blue, green, orange.
const PALETTE: [Rgb; 4] = [[192, 0, 0], [47, 85, 151], [84, 130, 53], [237, 125, 49]];

/// An RGB canvas with text.
struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
    font: &'static FontVec,
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Centre,
    Right,
}

impl Canvas {
    fn new(width: u32, height: u32, font: &'static FontVec) -> Canvas {
        Canvas {
            width,
            height,
            pixels: WHITE.repeat((width * height) as usize),
            font,
        }
    }

    fn blend(&mut self, x: i64, y: i64, colour: Rgb, coverage: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let at = ((y as u32 * self.width + x as u32) * 3) as usize;
        let a = coverage.clamp(0.0, 1.0);
        for (i, c) in colour.iter().enumerate() {
            let old = f32::from(self.pixels[at + i]);
            self.pixels[at + i] = (old + (f32::from(*c) - old) * a).round() as u8;
        }
    }

    fn rect(&mut self, x0: f32, y0: f32, x1: f32, y1: f32, colour: Rgb) {
        let (x0, x1) = (x0.min(x1).round() as i64, x0.max(x1).round() as i64);
        let (y0, y1) = (y0.min(y1).round() as i64, y0.max(y1).round() as i64);
        for y in y0..y1 {
            for x in x0..x1 {
                self.blend(x, y, colour, 1.0);
            }
        }
    }

    fn text_width(&self, text: &str, px: f32) -> f32 {
        let scaled = self.font.as_scaled(PxScale::from(px));
        text.chars()
            .map(|c| scaled.h_advance(scaled.glyph_id(c)))
            .sum()
    }

    /// Text on a baseline, aligned on `x`.
    fn text(&mut self, text: &str, x: f32, baseline: f32, px: f32, colour: Rgb, align: Align) {
        let width = self.text_width(text, px);
        let mut pen = match align {
            Align::Left => x,
            Align::Centre => x - width / 2.0,
            Align::Right => x - width,
        };
        let font = self.font;
        let scaled = font.as_scaled(PxScale::from(px));
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            let glyph = id.with_scale_and_position(px, ab_glyph::point(pen, baseline));
            pen += scaled.h_advance(id);
            if let Some(outline) = font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, coverage| {
                    let (x, y) = (
                        b.min.x as i64 + i64::from(gx),
                        b.min.y as i64 + i64::from(gy),
                    );
                    self.blend(x, y, colour, coverage);
                });
            }
        }
    }

    /// Text cut with “…” to fit `room` pixels.
    fn fitted(&self, text: &str, px: f32, room: f32) -> String {
        if self.text_width(text, px) <= room {
            return text.to_string();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let cut: String = chars.iter().collect::<String>() + "…";
            if self.text_width(&cut, px) <= room {
                return cut;
            }
        }
        String::new()
    }

    fn png(&self) -> Result<Vec<u8>, ChartError> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&self.pixels)?;
        writer.finish()?;
        Ok(out)
    }
}

/// The axis's top: the smallest 1, 2, 2.5 or 5 × 10ⁿ at or above the largest value.
fn axis_top(max: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|top| *top >= max)
        .unwrap_or(10.0 * power)
}

/// A gridline's figure: no needless decimals.
fn tick(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl BarChart {
    /// A value in the axis's units, for drawing.
    fn on_axis(&self, value: i64) -> f64 {
        value.max(0) as f64 / self.per_unit.max(1) as f64
    }

    fn largest(&self) -> f64 {
        let most = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .max();
        self.on_axis(most.unwrap_or(0))
    }

    /// The chart as a PNG `width` pixels wide (its height follows from the layout).
    pub fn png(&self, width: u32) -> Result<Vec<u8>, ChartError> {
        let font = font()?;
        let n = self.categories.len().max(1) as f32;
        let height = if self.horizontal {
            (190.0 + n * 30.0 * self.series.len().max(1) as f32 + n * 14.0) as u32
        } else {
            (width as f32 * 0.56) as u32
        };
        let mut canvas = Canvas::new(width, height, font);
        let w = width as f32;
        canvas.text(&self.title, w / 2.0, 46.0, 36.0, INK, Align::Centre);
        canvas.text(&self.unit, w - 30.0, 92.0, 24.0, GREY, Align::Right);
        // The legend, left of the unit note.
        let mut x = 30.0;
        for (i, s) in self.series.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            canvas.rect(x, 72.0, x + 26.0, 94.0, colour);
            canvas.text(&s.name, x + 34.0, 92.0, 24.0, INK, Align::Left);
            x += 34.0 + canvas.text_width(&s.name, 24.0) + 30.0;
        }
        let top = axis_top(self.largest());
        if self.horizontal {
            self.draw_across(&mut canvas, top);
        } else {
            self.draw_up(&mut canvas, top);
        }
        canvas.png()
    }

    fn draw_up(&self, canvas: &mut Canvas, top: f64) {
        let (w, h) = (canvas.width as f32, canvas.height as f32);
        let (left, right, plot_top, bottom) = (100.0, w - 30.0, 140.0, h - 60.0);
        for step in 0..=5 {
            let value = top * f64::from(step) / 5.0;
            let y = bottom - (bottom - plot_top) * step as f32 / 5.0;
            canvas.rect(left, y, right, y + 1.0, GRID);
            canvas.text(&tick(value), left - 12.0, y + 8.0, 22.0, GREY, Align::Right);
        }
        let n = self.categories.len().max(1) as f32;
        let group = (right - left) / n;
        let bars = self.series.len().max(1) as f32;
        let bar = (group * 0.72 / bars).min(70.0);
        let label_px = (bar * 0.6).clamp(14.0, 22.0);
        for (c, category) in self.categories.iter().enumerate() {
            let centre = left + group * (c as f32 + 0.5);
            let start = centre - bar * bars / 2.0;
            for (i, s) in self.series.iter().enumerate() {
                let value = self.on_axis(s.values.get(c).copied().unwrap_or(0));
                let y = bottom - (bottom - plot_top) * (value / top) as f32;
                let x = start + bar * i as f32;
                canvas.rect(
                    x + 1.0,
                    y,
                    x + bar - 1.0,
                    bottom,
                    PALETTE[i % PALETTE.len()],
                );
                if let Some(label) = s.labels.get(c) {
                    let label = canvas.fitted(label, label_px, bar + group * 0.1);
                    canvas.text(&label, x + bar / 2.0, y - 5.0, label_px, INK, Align::Centre);
                }
            }
            let name = canvas.fitted(category, 25.0, group - 4.0);
            canvas.text(&name, centre, bottom + 36.0, 25.0, INK, Align::Centre);
        }
        canvas.rect(left, bottom, right, bottom + 2.0, INK);
    }

    fn draw_across(&self, canvas: &mut Canvas, top: f64) {
        let (w, h) = (canvas.width as f32, canvas.height as f32);
        let widest = self
            .categories
            .iter()
            .map(|c| canvas.text_width(c, 24.0))
            .fold(0.0, f32::max);
        let left = (widest + 40.0).min(w * 0.38);
        let (right, plot_top, bottom) = (w - 110.0, 130.0, h - 44.0);
        for step in 0..=5 {
            let value = top * f64::from(step) / 5.0;
            let x = left + (right - left) * step as f32 / 5.0;
            canvas.rect(x, plot_top, x + 1.0, bottom, GRID);
            canvas.text(&tick(value), x, bottom + 30.0, 22.0, GREY, Align::Centre);
        }
        let n = self.categories.len().max(1) as f32;
        let group = (bottom - plot_top) / n;
        let bars = self.series.len().max(1) as f32;
        let bar = (group * 0.74 / bars).min(40.0);
        for (c, category) in self.categories.iter().enumerate() {
            let centre = plot_top + group * (c as f32 + 0.5);
            let start = centre - bar * bars / 2.0;
            for (i, s) in self.series.iter().enumerate() {
                let value = self.on_axis(s.values.get(c).copied().unwrap_or(0));
                let x = left + (right - left) * (value / top) as f32;
                let y = start + bar * i as f32;
                canvas.rect(left, y + 1.0, x, y + bar - 1.0, PALETTE[i % PALETTE.len()]);
                if let Some(label) = s.labels.get(c) {
                    let px = (bar * 0.7).clamp(14.0, 22.0);
                    canvas.text(
                        label,
                        x + 6.0,
                        y + bar / 2.0 + px * 0.36,
                        px,
                        INK,
                        Align::Left,
                    );
                }
            }
            let name = canvas.fitted(category, 24.0, left - 14.0);
            canvas.text(&name, left - 10.0, centre + 8.0, 24.0, INK, Align::Right);
        }
        canvas.rect(left - 1.0, plot_top, left + 1.0, bottom, INK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_axis_ends_at_a_round_figure_above_the_largest_bar() {
        assert_eq!(axis_top(0.0), 1.0);
        assert_eq!(axis_top(17.0), 20.0);
        assert_eq!(axis_top(20.0), 20.0);
        assert_eq!(axis_top(21.0), 25.0);
        assert_eq!(axis_top(567.0), 1000.0);
        assert_eq!(axis_top(0.34), 0.5);
        assert_eq!(tick(2.5), "2.5");
        assert_eq!(tick(200.0), "200");
    }

    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.width, info.height, buf)
    }

    #[test]
    fn the_tallest_bar_is_the_largest_value_in_its_series_colour() {
        if font().is_err() {
            eprintln!("skipped: no CJK font on this machine");
            return;
        }
        let chart = BarChart {
            title: "各市“三个一批”项目数".into(),
            unit: "单位：个".into(),
            categories: vec!["太原".into(), "大同".into()],
            series: vec![Series {
                name: "签约".into(),
                values: vec![5, 17],
                labels: vec!["5".into(), "17".into()],
            }],
            per_unit: 1,
            horizontal: false,
        };
        let (width, height, pixels) = decode(&chart.png(800).unwrap());
        assert_eq!((width, height), (800, 448));
        let red = |x: u32, y: u32| {
            let at = ((y * width + x) * 3) as usize;
            pixels[at..at + 3] == PALETTE[0]
        };
        // Column heights of red, at the centre of each city's group.
        let column = |x: u32| (0..height).filter(|y| red(x, *y)).count();
        let (taiyuan, datong) = (column(100 + 335 / 2), column(100 + 335 + 335 / 2));
        assert!(datong > 3 * taiyuan, "{taiyuan} {datong}");
        // 17 of an axis to 20: the bar fills 85% of the plot's height (248 px).
        assert!((205..=215).contains(&datong), "{datong}");
    }
}
