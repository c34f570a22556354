//! 路由表 — every route kfq answers, built in one place that also lists them, so that the
//! access tests walk the very table the server uses: a route added is a route tested.

use axum::handler::Handler;
use axum::routing::{self, MethodRouter};
use axum::Router;

use crate::AppState;

/// The router being built and the (method, path) of each route in it.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<(&'static str, &'static str)>,
}

impl Default for Routes {
    fn default() -> Routes {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }
}

impl Routes {
    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        route: MethodRouter<AppState>,
    ) -> Routes {
        self.table.push((method, path));
        self.router = self.router.route(path, route);
        self
    }

    pub fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Routes {
        self.add("GET", path, routing::get(h))
    }

    pub fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Routes {
        self.add("POST", path, routing::post(h))
    }

    pub fn patch<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Routes {
        self.add("PATCH", path, routing::patch(h))
    }

    pub fn put<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Routes {
        self.add("PUT", path, routing::put(h))
    }

    /// A POST whose body is a file (an import): up to the upload limit, not the JSON one.
    pub fn upload<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Routes {
        let limit = axum::extract::DefaultBodyLimit::max(crate::books::MAX_UPLOAD_BYTES);
        self.add("POST", path, routing::post(h).layer(limit))
    }

    pub fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, h: H) -> Routes {
        self.add("DELETE", path, routing::delete(h))
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<(&'static str, &'static str)>) {
        (self.router, self.table)
    }
}
