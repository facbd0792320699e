//! A drawn chart as the outputs carry it (SVG and PNG bytes), and why
//! drawing one failed. Always compiled; the drawing itself
//! (`output::charts`) needs the `charts` feature.

/// One chart in both formats.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem, e.g. `promise_vs_delivery`.
    pub name: &'static str,
    /// Title shown on the chart.
    pub title: String,
    /// SVG document.
    pub svg: String,
    /// PNG image.
    pub png: Vec<u8>,
}

/// Charting errors.
#[derive(Debug, thiserror::Error)]
#[error("drawing chart {chart}: {message}")]
pub struct ChartError {
    pub(crate) chart: &'static str,
    pub(crate) message: String,
}

/// The charts of a run (see `output::charts`); none in a build without the
/// `charts` feature.
pub fn run_charts(
    plan: &crate::engine::plan::Plan,
    results: &[crate::observe::ReplicationResult],
) -> Result<Vec<Chart>, ChartError> {
    #[cfg(feature = "charts")]
    return super::charts::run_charts(plan, results);
    #[cfg(not(feature = "charts"))]
    {
        let _ = (plan, results);
        Ok(Vec::new())
    }
}

/// The go-live overlay of a comparison; none without the `charts` feature.
pub fn comparison_charts(
    plans: &[&crate::engine::plan::Plan],
    names: &[String],
    results: &[Vec<crate::observe::ReplicationResult>],
) -> Result<Vec<Chart>, ChartError> {
    #[cfg(feature = "charts")]
    return Ok(vec![super::charts::comparison_chart(
        plans, names, results,
    )?]);
    #[cfg(not(feature = "charts"))]
    {
        let _ = (plans, names, results);
        Ok(Vec::new())
    }
}

/// A heatmap of a two-parameter grid; none without the `charts` feature.
pub fn grid_heatmap(
    title: &str,
    x_name: &str,
    y_name: &str,
    xs: Vec<String>,
    ys: Vec<String>,
    values: Vec<Vec<f64>>,
) -> Result<Option<Chart>, ChartError> {
    #[cfg(feature = "charts")]
    return super::charts::grid_heatmap(title, x_name, y_name, xs, ys, values).map(Some);
    #[cfg(not(feature = "charts"))]
    {
        let _ = (title, x_name, y_name, xs, ys, values);
        Ok(None)
    }
}
