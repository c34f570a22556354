//! 通报 as documents: each bulletin opened again (the DOCX's paragraphs and table cells, the
//! PDF's text and fonts), its figures found where an official reads them, within the reader's
//! scope; the PDF's first page rendered to PNG for a person to look at.

use axum::http::StatusCode;
use kfq_core::Lang;

use crate::App;

/// The paragraphs and table cells of a DOCX, in order.
fn paragraphs(bytes: &[u8]) -> Vec<String> {
    kfq_ledger::docx::paragraphs(bytes).expect("a Word document")
}

/// The cells after `first` in a table: a row as the paragraphs list it.
fn row_after(paragraphs: &[String], first: &str, cells: usize) -> Vec<String> {
    let at = paragraphs
        .iter()
        .position(|p| p == first)
        .unwrap_or_else(|| panic!("no row {first}: {paragraphs:?}"));
    paragraphs[at..at + cells].to_vec()
}

/// One more project, started long ago, and monthly figures a year apart: what a year-on-year
/// comparison needs.
async fn with_last_year(app: &App) {
    let dir = tempfile::tempdir().unwrap();
    let projects = dir.path().join("项目.csv");
    std::fs::write(
        &projects,
        "项目编号,项目名称,所属开发区,项目类别,总投资（万元）,签约日期,开工日期\n\
         LL-0,吕梁经开区二期项目,吕梁经济技术开发区,产业类,20000,2022-05-01,2022-06-01\n",
    )
    .unwrap();
    let monthly = dir.path().join("月报.csv");
    std::fs::write(
        &monthly,
        "项目编号,月份,本月完成投资（万元）\nLL-0,2023-03,10000\nLL-0,2023-05,9000\nLL-0,2024-03,3000\n",
    )
    .unwrap();
    kfq_app::import::import_files(&app.db.db, &[projects, monthly], "fixture", Lang::Zh)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_round_bulletin_has_the_provinces_summary_and_a_section_per_city() {
    for app in App::both().await {
        let engine = app.engine();
        let province = app.sign_in("province").await;
        let uri = "/api/v1/bulletins/round/2024-1.docx";
        let (status, headers, _) = app.call_raw("GET", uri, Some(&province), None).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        assert!(headers["content-type"]
            .to_str()
            .unwrap()
            .contains("wordprocessingml"));
        let (_, bytes) = app.download(uri, &province).await;
        let text = paragraphs(&bytes);
        assert_eq!(
            text[0], "关于2024年第一次“三个一批”活动情况的通报",
            "{engine}"
        );
        assert!(
            text.contains(
                &"2024年第一次“三个一批”活动，全省开发区共签约项目3个、总投资16亿元，\
                  无开工项目，无投产项目。"
                    .to_string()
            ),
            "{engine}: {text:?}"
        );
        // The summary table: 吕梁 signed two projects (5 + 3 亿元), 太原 one (8 亿元).
        assert_eq!(
            row_after(&text, "吕梁市", 8),
            ["吕梁市", "2", "8", "0", "0", "0", "0", "0"],
            "{engine}"
        );
        assert_eq!(row_after(&text, "合计", 3), ["合计", "3", "16"], "{engine}");
        // Each city's section: its headline, then its paragraph.
        let headline = text
            .iter()
            .position(|p| p.ends_with("吕梁：2个项目签约 0个项目开工，0个项目投产"))
            .unwrap_or_else(|| panic!("{engine}: {text:?}"));
        assert!(text[headline].starts_with("（"), "{engine}: a 二级标题");
        assert_eq!(
            text[headline + 1],
            "此次活动中，吕梁市共签约2个项目，总投资8亿元；无开工项目；无投产项目。\
             其中，吕梁经开区氢能项目、孝义碳纤维项目等投资规模较大。",
            "{engine}"
        );
        assert!(text
            .iter()
            .any(|p| p.ends_with("太原：1个项目签约 0个项目开工，0个项目投产")));
        // The chart is a picture in the file, as wide as the text.
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let mut png = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name("word/media/image1.png").unwrap(), &mut png)
            .unwrap();
        let (w, h) = kfq_ledger::docx::png_size(&png).expect("a PNG");
        assert!(w >= 800 && h > 200, "{engine}: {w}×{h}");

        // A city sees its own zones, one section each, and nothing of 太原.
        let lvliang = app.sign_in("lvliang").await;
        let (status, bytes) = app.download(uri, &lvliang).await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let text = paragraphs(&bytes).join("\n");
        assert!(
            text.contains("吕梁市开发区共签约项目2个、总投资8亿元"),
            "{engine}: {text}"
        );
        assert!(
            text.contains("孝义经济开发区：1个项目签约"),
            "{engine}: {text}"
        );
        assert!(
            !text.contains("太原") && !text.contains("中北"),
            "{engine}: {text}"
        );
        let (status, _) = app
            .download(&format!("{uri}?region=140100"), &lvliang)
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{engine}: another city's bulletin"
        );

        // What cannot be made is refused, saying what and where.
        for (bad, field) in [
            ("/api/v1/bulletins/weekly/2024-1.docx", "kind"),
            ("/api/v1/bulletins/round/2024-1.txt", "file"),
            ("/api/v1/bulletins/round/2024-x.docx", "round"),
        ] {
            let (status, body) = app.call("GET", bad, Some(&province), None).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{engine}: {bad}: {body}");
            assert!(
                body["error"].as_str().unwrap().contains(field),
                "{engine}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn the_monthly_report_compares_the_year_to_date_with_last_year_and_names_missing_returns() {
    for app in App::both().await {
        let engine = app.engine();
        with_last_year(&app).await;
        let province = app.sign_in("province").await;
        let (status, bytes) = app
            .download("/api/v1/bulletins/monthly/2024-03.docx", &province)
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let text = paragraphs(&bytes);
        assert_eq!(text[0], "2024年3月山西省开发区投资统计月报", "{engine}");
        // March: 1200 (LL-1) + 3000 (LL-0) 万元; January to March a year before: 10000 万元
        // (May's 9000 is outside the period).
        assert_eq!(
            text[1],
            "2024年3月，全省开发区完成投资0.42亿元；1—3月累计完成投资0.42亿元，\
             同比下降58.0%（上年同期1亿元）。",
            "{engine}"
        );
        assert_eq!(
            row_after(&text, "吕梁市", 5),
            ["吕梁市", "0.42", "0.42", "1", "下降58.0%"],
            "{engine}"
        );
        assert_eq!(
            row_after(&text, "太原市", 5),
            ["太原市", "0", "0", "0", "—"],
            "{engine}"
        );
        assert_eq!(
            row_after(&text, "吕梁经济技术开发区", 5),
            ["吕梁经济技术开发区", "0.42", "0.42", "1", "下降58.0%"],
            "{engine}"
        );
        // No zone submitted: those with projects under construction in March are missing,
        // 孝义 (nothing started) owes nothing.
        let said = text.iter().find(|p| p.contains("报送截止日")).unwrap();
        assert!(
            said.contains("未报2个：中北高新区、吕梁经济技术开发区"),
            "{engine}: {said}"
        );
        assert!(!said.contains("孝义"), "{engine}: {said}");
    }
}

#[tokio::test]
async fn the_quarterly_bulletin_ranks_the_zones_and_lists_overdue_blockers_in_scope() {
    for app in App::both().await {
        let engine = app.engine();
        let province = app.sign_in("province").await;
        let (status, bytes) = app
            .download("/api/v1/bulletins/quarterly/2024-2.docx", &province)
            .await;
        assert_eq!(status, StatusCode::OK, "{engine}");
        let text = paragraphs(&bytes);
        assert_eq!(
            text[0], "2024年第二季度山西省开发区综合考核情况通报",
            "{engine}"
        );
        assert!(
            text[1].contains("对3个开发区2024年1—6月的情况进行了考核"),
            "{engine}: {text:?}"
        );
        // 太原's blocker was due 2024-03-31: 91 days overdue on 30 June.
        let blockers = text
            .iter()
            .find(|p| p.starts_with("截至2024年6月30日"))
            .unwrap();
        assert!(
            blockers.contains("逾期未解决堵点1个，涉及1个开发区，较多的是中北高新区（1个）"),
            "{engine}: {blockers}"
        );
        let row = row_after(&text, "太原半导体项目", 4);
        assert_eq!(row[3], "91", "{engine}: {row:?}");
        // Each zone is ranked in its class, with its score.
        for zone in ["吕梁经济技术开发区", "孝义经济开发区", "中北高新区"] {
            assert!(text.iter().any(|p| p == zone), "{engine}: {zone}");
        }
        // 吕梁 sees no other city's blocker.
        let lvliang = app.sign_in("lvliang").await;
        let (_, bytes) = app
            .download("/api/v1/bulletins/quarterly/2024-2.docx", &lvliang)
            .await;
        let text = paragraphs(&bytes).join("\n");
        assert!(text.contains("无逾期未解决堵点"), "{engine}: {text}");
        assert!(!text.contains("中北高新区"), "{engine}: {text}");
    }
}

/// Runs a poppler tool on a file and returns what it printed.
fn poppler(tool: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils, scripts/ensure-office.sh): {e}"));
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Each bulletin as PDF: page 1's text (line breaks of the layout taken out), every font
/// embedded, and page 1 rendered to PNG under `target/tmp/bulletins/` for a person to look at.
#[tokio::test]
async fn each_pdf_reads_the_same_figures_with_its_fonts_embedded_and_renders_to_png() {
    let app = App::both().await.remove(0);
    with_last_year(&app).await;
    let province = app.sign_in("province").await;
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bulletins");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, uri, expected) in [
        (
            "round-2024-1",
            "/api/v1/bulletins/round/2024-1.pdf",
            &[
                "关于2024年第一次“三个一批”活动情况的通报",
                "全省开发区共签约项目3个、总投资16亿元",
                "吕梁市2800000",
                "合计3160",
            ][..],
        ),
        (
            "monthly-2024-03",
            "/api/v1/bulletins/monthly/2024-03.pdf",
            &[
                "2024年3月山西省开发区投资统计月报",
                "1—3月累计完成投资0.42亿元，同比下降58.0%",
                "吕梁市0.420.421下降58.0%",
            ][..],
        ),
        (
            "quarterly-2024-2",
            "/api/v1/bulletins/quarterly/2024-2.pdf",
            &[
                "2024年第二季度山西省开发区综合考核情况通报",
                "对3个开发区2024年1—6月",
            ][..],
        ),
    ] {
        let (status, pdf) = app.download(uri, &province).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{uri}: {}",
            String::from_utf8_lossy(&pdf)
        );
        assert!(pdf.starts_with(b"%PDF"), "{uri}");
        let file = dir.join(format!("{name}.pdf"));
        std::fs::write(&file, &pdf).unwrap();
        let path = file.to_str().unwrap();
        let page: String = poppler("pdftotext", &["-f", "1", "-l", "1", path, "-"])
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(page.starts_with(expected[0]), "{uri}: {page}");
        for figure in &expected[1..] {
            assert!(page.contains(figure), "{uri}: {figure} in {page}");
        }
        let fonts = poppler("pdffonts", &[path]);
        let faces: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(faces.iter().any(|f| f.contains("CJK")), "{uri}: {fonts}");
        for face in &faces {
            let columns: Vec<&str> = face.split_whitespace().collect();
            assert_eq!(
                columns[columns.len() - 5],
                "yes",
                "{uri}: not embedded: {face}"
            );
        }
        let png = dir.join(name);
        let args = ["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"];
        let mut all = args.to_vec();
        all.extend([path, png.to_str().unwrap()]);
        poppler("pdftoppm", &all);
        let picture = std::fs::read(dir.join(format!("{name}.png"))).unwrap();
        let (w, h) = kfq_ledger::docx::png_size(&picture).expect("a PNG");
        assert!(h > w, "{uri}: an A4 page stands upright: {w}×{h}");
        eprintln!(
            "{uri}: page 1 at {}",
            dir.join(format!("{name}.png")).display()
        );
    }
}
