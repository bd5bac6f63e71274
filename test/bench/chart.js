// The benchmark charts: each a Vega-Lite spec of the bench's results, rendered to SVG by Vega's
// own renderer in Node (no canvas, no browser, no native build), so the pictures in the README
// and BENCHMARKS.md show on npm and GitHub and are redrawn by every `npm run bench`.
const fs = require('node:fs');

// Okabe-Ito colours: they stay distinct under the common forms of colour blindness.
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#d55e00', '#cc79a7', '#56b4e9'];

const CONFIG = {
	font: 'Helvetica, Arial, sans-serif',
	background: 'white',
	view: { stroke: null },
	axis: { grid: true, gridColor: '#e6e6e6', labelFontSize: 11, titleFontSize: 12 },
	legend: { orient: 'bottom', direction: 'vertical', labelFontSize: 11, labelLimit: 0 },
	title: { fontSize: 14, anchor: 'start' },
	range: { category: PALETTE },
};

/** Renders a Vega-Lite spec to an SVG file. Vega and Vega-Lite are ES modules, hence the imports. */
async function renderSvg(spec, file) {
	const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
	const view = new vega.View(vega.parse(compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: CONFIG, ...spec }).spec), {
		renderer: 'none',
	});
	try {
		fs.writeFileSync(file, await view.toSVG());
	} finally {
		view.finalize();
	}
}

/**
 * Enrich time against the number of unique identifiers, for each workflow, with the limit the
 * rate allows as a dashed line. Both axes are logarithmic: the sizes span 50×, the times more.
 */
function sizesChart({ title, series, limit }) {
	const values = series.flatMap(({ name, points }) => points.map(([unique, seconds]) => ({ name, unique, seconds })));
	const limitValues = limit.points.map(([unique, seconds]) => ({ name: limit.name, unique, seconds }));
	const x = { field: 'unique', type: 'quantitative', title: 'unique identifiers', scale: { type: 'log' }, axis: { values: [...new Set(values.map((v) => v.unique))] } };
	const y = { field: 'seconds', type: 'quantitative', title: 'enrich time (s)', scale: { type: 'log' } };
	return {
		title,
		width: 640,
		height: 340,
		layer: [
			{
				data: { values },
				mark: { type: 'line', point: { size: 50 }, strokeWidth: 2 },
				encoding: { x, y, color: { field: 'name', type: 'nominal', title: null, sort: series.map((s) => s.name) } },
			},
			{
				data: { values: limitValues },
				mark: { type: 'line', strokeDash: [8, 6], color: '#333333', strokeWidth: 1.5 },
				encoding: { x, y, detail: { field: 'name' } },
			},
			{
				data: { values: limitValues.slice(-1) },
				mark: { type: 'text', align: 'left', dx: 6, dy: 10, color: '#333333', fontSize: 11 },
				encoding: { x, y, text: { field: 'name' } },
			},
		],
	};
}

/**
 * Enrich time per account and size as bars, each with a tick at the time the account's own rate
 * allows: how close the node comes to what each plan pays for.
 */
function accountLimitsChart({ title, runs }) {
	const values = runs.map((r) => ({ ...r, size: r.unique.toLocaleString('en-US') }));
	const x = { field: 'setting', type: 'nominal', title: null, sort: runs.map((r) => r.setting), axis: { labels: false, ticks: false } };
	return {
		title,
		data: { values },
		facet: { column: { field: 'size', type: 'ordinal', title: 'unique identifiers', sort: [...new Set(values.map((v) => v.size))] } },
		spec: {
			width: 260,
			height: 300,
			layer: [
				{
					mark: { type: 'bar' },
					encoding: { x, y: { field: 'seconds', type: 'quantitative', title: 'enrich time (s)' }, color: { field: 'setting', type: 'nominal', title: null, sort: runs.map((r) => r.setting) } },
				},
				{
					mark: { type: 'tick', color: '#333333', thickness: 2, size: 40 },
					encoding: { x, y: { field: 'atRateSeconds', type: 'quantitative' } },
				},
			],
		},
		resolve: { scale: { y: 'shared' } },
	};
}

/** The contact case: the measured wall time against the ideal and the two passes one after the other. */
function contactChart({ title, bars }) {
	return {
		title,
		width: 560,
		height: 30 * bars.length,
		data: { values: bars },
		layer: [
			{
				mark: { type: 'bar' },
				encoding: {
					y: { field: 'what', type: 'nominal', title: null, sort: bars.map((bar) => bar.what), axis: { labelLimit: 0 } },
					x: { field: 'seconds', type: 'quantitative', title: 'seconds' },
					color: { field: 'kind', type: 'nominal', title: null, legend: null },
				},
			},
			{
				mark: { type: 'text', align: 'left', dx: 4 },
				encoding: {
					y: { field: 'what', type: 'nominal', sort: bars.map((bar) => bar.what) },
					x: { field: 'seconds', type: 'quantitative' },
					text: { field: 'seconds', type: 'quantitative', format: '.1f' },
				},
			},
		],
	};
}

/** One horizontal bar (or group of bars) per run, in the runs' order, with the encodings that differ. */
function barsPerRun({ title, runs, rowHeight, values, encoding }) {
	return {
		title,
		width: 560,
		height: rowHeight * runs.length,
		data: { values },
		mark: { type: 'bar' },
		encoding: { y: { field: 'run', type: 'nominal', title: null, sort: runs.map((r) => r.run), axis: { labelLimit: 0 } }, ...encoding },
	};
}

/**
 * Each batch run's wall time as one horizontal bar, stacked in the order the time passes: the
 * node's work before the first submit, the sandbox's job time, the node's own time after it.
 */
function batchTimeChart({ title, runs }) {
	const stages = runs[0].segments.map((segment) => segment.stage);
	return barsPerRun({
		title,
		runs,
		rowHeight: 28,
		values: runs.flatMap(({ run, segments }) => segments.map((segment, order) => ({ run, order, ...segment }))),
		encoding: {
			x: { field: 'seconds', type: 'quantitative', title: 'seconds', stack: 'zero' },
			color: { field: 'stage', type: 'nominal', title: null, sort: stages },
			order: { field: 'order', type: 'quantitative' },
		},
	});
}

/** Per run, the node's peak memory beside what n8n holds for the same items, as paired bars. */
function batchMemoryChart({ title, runs }) {
	const measures = ['what n8n holds for the items', "the node's peak"];
	return barsPerRun({
		title,
		runs,
		rowHeight: 36,
		values: runs.flatMap(({ run, held, peak }) => [
			{ run, measure: measures[0], mib: held },
			{ run, measure: measures[1], mib: peak },
		]),
		encoding: {
			yOffset: { field: 'measure', type: 'nominal', sort: measures },
			x: { field: 'mib', type: 'quantitative', title: 'MiB (heap + external)' },
			color: { field: 'measure', type: 'nominal', title: null, sort: measures },
		},
	});
}

module.exports = { renderSvg, sizesChart, accountLimitsChart, contactChart, batchTimeChart, batchMemoryChart };
