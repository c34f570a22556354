//! Puts the front-end libraries into the binary. They come from the npm registry
//! (`assets/package.json`, locked by `assets/package-lock.json`): installed here with `npm ci`
//! when missing, never committed. Without npm the pages still work, with tables instead of charts.

use std::path::Path;
use std::process::Command;

const ECHARTS: &str = "assets/node_modules/echarts/dist/echarts.min.js";

fn main() {
    println!("cargo:rerun-if-changed=assets/package-lock.json");
    println!("cargo:rerun-if-changed={ECHARTS}");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let target = Path::new(&out).join("echarts.min.js");
    if !Path::new(ECHARTS).exists() {
        let installed = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefix", "assets"])
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            println!("cargo:warning=npm ci failed in crates/kfq-web/assets: charts will be replaced by a notice");
        }
    }
    let copied = std::fs::copy(ECHARTS, &target).is_ok();
    if !copied {
        let stub = "window.echarts = null; /* ECharts was not installed at build time (npm ci in crates/kfq-web/assets) */";
        std::fs::write(&target, stub).expect("OUT_DIR is writable");
    }
}
