// Draws benchmark results as a PNG line chart with nothing but Node built-ins, so the bench
// scripts can publish a picture without adding a charting dependency to the package.
const fs = require('node:fs');
const zlib = require('node:zlib');

const WIDTH = 900;
const HEIGHT = 520;
const MARGIN = 16;
const TICK = 6;
const MINOR_TICK = 3;
const LINE_WIDTH = 2;
const MARKER_RADIUS = 3.5;
const DASH_ON = 8;
const DASH_OFF = 6;
const SWATCH_W = 28;
const LEGEND_GAP = 28;
// Data range starts this far inside the axis lines, so markers at the extremes stay clear of them.
const INSET = 10;
// An axis switches to a log scale when its data spans more than this factor.
const LOG_RATIO = 20;

const BLACK = [0, 0, 0];
const TEXT = [0x33, 0x33, 0x33];
const GRID = [0xe6, 0xe6, 0xe6];
// Okabe-Ito colours: they stay distinct under the common forms of colour blindness.
const PALETTE = [
	[0x00, 0x72, 0xb2],
	[0xe6, 0x9f, 0x00],
	[0x00, 0x9e, 0x73],
	[0xd5, 0x5e, 0x00],
	[0xcc, 0x79, 0xa7],
	[0x56, 0xb4, 0xe9],
];

// Classic 5×7 LCD font, ASCII 32–126: five column bytes per glyph, bit 0 is the top row and
// bit 7 a descender row below the baseline (g, j, p, q, y).
const FONT = Buffer.from(
	[
		'0000000000 00005f0000 0007000700 147f147f14 242a7f2a12 2313086462 3649552250 0005030000', //  !"#$%&'
		'001c224100 0041221c00 082a1c2a08 08083e0808 0050300000 0808080808 0060600000 2010080402', // ()*+,-./
		'3e5149453e 00427f4000 4261514946 2141454b31 1814127f10 2745454539 3c4a494930 0171090503', // 01234567
		'3649494936 064949291e 0036360000 0056360000 0814224100 1414141414 0041221408 0201510906', // 89:;<=>?
		'324979413e 7e1111117e 7f49494936 3e41414122 7f4141221c 7f49494941 7f09090101 3e4149497a', // @ABCDEFG
		'7f0808087f 00417f4100 2040413f01 7f08142241 7f40404040 7f020c027f 7f0408107f 3e4141413e', // HIJKLMNO
		'7f09090906 3e4151215e 7f09192946 4649494931 01017f0101 3f4040403f 1f2040201f 3f4038403f', // PQRSTUVW
		'6314081463 0708700807 6151494543 007f414100 0204081020 0041417f00 0402010204 4040404040', // XYZ[\]^_
		'0001020400 2054545478 7f48444438 3844444420 384444487f 3854545418 087e090102 18a4a4a47c', // `abcdefg
		'7f08040478 00447d4000 4080807d00 007f102844 00417f4000 7c04180478 7c08040478 3844444438', // hijklmno
		'fc18242418 18242418fc 7c08040408 4854545420 043f444020 3c4040207c 1c2040201c 3c4030403c', // pqrstuvw
		'4428102844 9ca0a0a07c 4464544c44 0008364100 00007f0000 0041360800 0804081008', //            xyz{|}~
	]
		.join('')
		.replace(/\s+/g, ''),
	'hex',
);
const GLYPH_W = 5;
const CAP_H = 7; // rows from the top to the baseline
const SCALE = 2; // the font is drawn at twice its size to be readable
const CELL_W = (GLYPH_W + 1) * SCALE; // one blank column between glyphs
const LINE_H = (CAP_H + 3) * SCALE; // room for the descender row and a gap

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
// Rounds away binary noise such as 3 * 0.1 = 0.30000000000000004.
const clean = (v) => Number(v.toPrecision(12));

/** An RGB raster on a white background, with alpha blending for antialiased shapes. */
class Canvas {
	constructor(width, height) {
		this.width = width;
		this.height = height;
		this.pixels = Buffer.alloc(width * height * 3, 0xff);
	}

	blend(x, y, colour, alpha = 1) {
		if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
		const at = (y * this.width + x) * 3;
		for (let c = 0; c < 3; c++) {
			this.pixels[at + c] = Math.round(this.pixels[at + c] + (colour[c] - this.pixels[at + c]) * alpha);
		}
	}

	fillRect(x, y, w, h, colour) {
		for (let row = Math.round(y); row < Math.round(y + h); row++) {
			for (let col = Math.round(x); col < Math.round(x + w); col++) this.blend(col, row, colour);
		}
	}

	/**
	 * Antialiased capsule of the given radius around segment (x0,y0)–(x1,y1); a zero-length
	 * segment is a dot. With `dashFrom` (arc length where the segment starts) it is dashed.
	 */
	capsule(x0, y0, x1, y1, radius, colour, dashFrom) {
		const dx = x1 - x0;
		const dy = y1 - y0;
		const lengthSq = dx * dx + dy * dy;
		const length = Math.sqrt(lengthSq);
		for (let y = Math.floor(Math.min(y0, y1) - radius - 1); y <= Math.ceil(Math.max(y0, y1) + radius); y++) {
			for (let x = Math.floor(Math.min(x0, x1) - radius - 1); x <= Math.ceil(Math.max(x0, x1) + radius); x++) {
				// Project the pixel centre onto the segment: t along it, distance away from it.
				const px = x + 0.5 - x0;
				const py = y + 0.5 - y0;
				const t = lengthSq === 0 ? 0 : clamp((px * dx + py * dy) / lengthSq, 0, 1);
				if (dashFrom !== undefined && (dashFrom + t * length) % (DASH_ON + DASH_OFF) >= DASH_ON) continue;
				this.blend(x, y, colour, clamp(radius + 0.5 - Math.hypot(px - t * dx, py - t * dy), 0, 1));
			}
		}
	}

	polyline(points, colour, dashed) {
		let travelled = 0; // carried across joints so the dash pattern runs on smoothly
		for (let i = 1; i < points.length; i++) {
			const [[x0, y0], [x1, y1]] = [points[i - 1], points[i]];
			this.capsule(x0, y0, x1, y1, LINE_WIDTH / 2, colour, dashed ? travelled : undefined);
			travelled += Math.hypot(x1 - x0, y1 - y0);
		}
	}

	marker(x, y, colour) {
		this.capsule(x, y, x, y, MARKER_RADIUS, colour);
	}

	/**
	 * Text whose top is at y and which starts at, is centred on or ends at x, per `align`.
	 * `vertical` text reads bottom to top: x is then its top and y the anchor along it.
	 */
	text(text, x, y, colour, { align = 'left', vertical = false } = {}) {
		const shift = align === 'center' ? textWidth(text) / 2 : align === 'right' ? textWidth(text) : 0;
		for (let i = 0; i < text.length; i++) {
			const code = text.charCodeAt(i);
			const glyph = (code >= 32 && code <= 126 ? code : 63) - 32; // '?' for what the font lacks
			for (let col = 0; col < GLYPH_W; col++) {
				const bits = FONT[glyph * GLYPH_W + col];
				for (let row = 0; bits >> row; row++) {
					if (!(bits & (1 << row))) continue;
					const along = Math.round(i * CELL_W + col * SCALE - shift);
					if (vertical) this.fillRect(x + row * SCALE, y - along - SCALE, SCALE, SCALE, colour);
					else this.fillRect(x + along, y + row * SCALE, SCALE, SCALE, colour);
				}
			}
		}
	}
}

function textWidth(text) {
	return text.length === 0 ? 0 : text.length * CELL_W - SCALE;
}

/** Cuts text to `maxWidth` pixels, marking the cut with '...'. */
function fitText(text, maxWidth) {
	if (textWidth(text) <= maxWidth) return text;
	return text.slice(0, Math.max(0, Math.floor((maxWidth + SCALE) / CELL_W) - 3)) + '...';
}

/** Greedy word wrap to lines of at most `maxWidth` pixels. */
function wrapText(text, maxWidth) {
	const lines = [];
	for (const word of text.split(/\s+/).filter(Boolean)) {
		const last = lines.length - 1;
		if (last >= 0 && textWidth(`${lines[last]} ${word}`) <= maxWidth) lines[last] += ` ${word}`;
		else lines.push(fitText(word, maxWidth));
	}
	return lines;
}

/** Fewest decimals (up to 6) that show `v` exactly. */
function decimalsOf(v) {
	let d = 0;
	while (d < 6 && Math.abs(Math.round(v * 10 ** d) - v * 10 ** d) > 1e-6) d++;
	return d;
}

/** 1234.5 → "1,234.5": fixed decimals, thousands separated with commas. */
const formatNumber = (v, decimals) => v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** Where `value` falls along the axis, from 0 at its minimum to 1 at its maximum. */
function fractionOf(axis, value) {
	if (axis.log) return (Math.log10(value) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min));
	return (value - axis.min) / (axis.max - axis.min);
}

/** Whether neighbouring tick labels keep clear of each other; `span` is the room a label needs along the axis. */
function labelsFit(axis, lengthPx, span) {
	const labelled = axis.ticks.filter((t) => t.label);
	return labelled.every((t, i) => {
		if (i === 0) return true;
		const prev = labelled[i - 1];
		const gap = (fractionOf(axis, t.value) - fractionOf(axis, prev.value)) * lengthPx;
		return gap >= (span(prev.label) + span(t.label)) / 2;
	});
}

/** Log axis with a tick at every m·10^k; labels on 1-2-5 steps, or on decades alone if those collide. */
function logAxis(lo, hi, lengthPx, span) {
	const candidates = [];
	for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
		for (let m = 1; m <= 9; m++) candidates.push({ m, value: clean(m * 10 ** k) });
	}
	let axis;
	for (const labelled of [[1, 2, 5], [1]]) {
		const stops = candidates.filter((c) => labelled.includes(c.m)).map((c) => c.value);
		const min = Math.max(...stops.filter((v) => v <= lo));
		const max = Math.min(...stops.filter((v) => v >= hi));
		const ticks = candidates
			.filter((c) => c.value >= min && c.value <= max)
			.map((c) => ({ value: c.value, label: labelled.includes(c.m) ? formatNumber(c.value, decimalsOf(c.value)) : null }));
		axis = { log: true, min, max, ticks };
		if (labelsFit(axis, lengthPx, span)) break;
	}
	return axis;
}

/** Smallest of 1, 2, 2.5, 5 × 10^k that is at least `raw`. */
function niceStep(raw) {
	const power = 10 ** Math.floor(Math.log10(raw));
	return clean([1, 2, 2.5, 5, 10].find((m) => m * power >= raw * (1 - 1e-9)) * power);
}

/** Linear axis from zero (distance from zero is what a reader compares) with as many round ticks as fit. */
function linearAxis(hi, lengthPx, span) {
	let axis;
	for (let count = 8; count >= 2; count--) {
		const step = niceStep(hi / count);
		const steps = Math.ceil(hi / step - 1e-9);
		const ticks = Array.from({ length: steps + 1 }, (_, i) => {
			const value = clean(i * step);
			return { value, label: formatNumber(value, decimalsOf(step)) };
		});
		axis = { log: false, min: 0, max: clean(steps * step), ticks };
		if (labelsFit(axis, lengthPx, span)) break;
	}
	return axis;
}

function buildAxis(values, lengthPx, span) {
	const lo = Math.min(...values);
	const hi = Math.max(...values);
	return hi / lo > LOG_RATIO ? logAxis(lo, hi, lengthPx, span) : linearAxis(hi, lengthPx, span);
}

/** Legend entries flowed into rows no wider than `maxWidth`. */
function layoutLegend(series, maxWidth) {
	const rows = [];
	for (const s of series) {
		const label = fitText(s.note ? `${s.name} (${s.note})` : s.name, maxWidth - SWATCH_W - 8);
		const entry = { series: s, label, width: SWATCH_W + 8 + textWidth(label) };
		const row = rows[rows.length - 1];
		if (row && row.width + LEGEND_GAP + entry.width <= maxWidth) {
			row.entries.push(entry);
			row.width += LEGEND_GAP + entry.width;
		} else rows.push({ entries: [entry], width: entry.width });
	}
	return rows;
}

function validate(data) {
	const series = data && data.series;
	if (!Array.isArray(series) || series.length < 1 || series.length > PALETTE.length) {
		throw new Error(`chart: expected 1 to ${PALETTE.length} series`);
	}
	const values = series.flatMap((s) => s.points).flat();
	if (values.length === 0 || !values.every((v) => Number.isFinite(v) && v > 0)) {
		throw new Error('chart: expected at least one point, with positive x and y');
	}
}

function pngChunk(type, body) {
	const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(body.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(zlib.crc32(typed));
	return Buffer.concat([length, typed, crc]);
}

/** 8-bit RGB PNG: every scanline stored with filter type 0 (none), then deflated. */
function encodePng(canvas) {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(canvas.width, 0);
	header.writeUInt32BE(canvas.height, 4);
	header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, no filter, no interlace
	const stride = canvas.width * 3;
	const raw = Buffer.alloc((stride + 1) * canvas.height);
	for (let y = 0; y < canvas.height; y++) canvas.pixels.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', header),
		pngChunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/** Renders `data` ({ title, xLabel, yLabel, series: [{ name, points: [[x, y]], note?, dashed? }] }) to a PNG file. */
function renderChartPng(data, outputFile) {
	validate(data);
	const canvas = new Canvas(WIDTH, HEIGHT);
	const series = data.series.map((s, i) => ({ ...s, colour: PALETTE[i], points: [...s.points].sort((a, b) => a[0] - b[0]) }));
	const points = series.flatMap((s) => s.points);

	// Top to bottom: title, plot, x tick labels, x label, legend.
	const titleLines = wrapText(data.title || '', WIDTH - 2 * MARGIN);
	const legendRows = layoutLegend(series, WIDTH - 2 * MARGIN);
	const legendTop = HEIGHT - MARGIN - legendRows.length * LINE_H;
	const plotTop = MARGIN + titleLines.length * LINE_H + 14;
	const plotBottom = legendTop - 14 - 2 * LINE_H - TICK - 6;
	const yAxis = buildAxis(points.map((p) => p[1]), plotBottom - plotTop - INSET, () => LINE_H + 6);

	// Left to right: rotated y label, y tick labels, plot, room for half of the last x tick label.
	const yLabelsWidth = Math.max(...yAxis.ticks.map((t) => textWidth(t.label || '')));
	const plotLeft = MARGIN + LINE_H + 6 + yLabelsWidth + 6 + TICK;
	const plotRight = WIDTH - MARGIN - 40;
	const xAxis = buildAxis(points.map((p) => p[0]), plotRight - plotLeft - INSET, (label) => textWidth(label) + 16);

	// Axis lines sit on pixel column plotLeft and row plotBottom; +0.5 puts data on pixel centres.
	const toX = (v) => plotLeft + INSET + 0.5 + fractionOf(xAxis, v) * (plotRight - plotLeft - INSET);
	const toY = (v) => plotBottom - INSET + 0.5 - fractionOf(yAxis, v) * (plotBottom - plotTop - INSET);

	for (const t of xAxis.ticks) {
		const x = Math.floor(toX(t.value));
		if (t.label) {
			canvas.fillRect(x, plotTop, 1, plotBottom - plotTop, GRID);
			// The last label may stick out past the plot; keep it on the canvas.
			const labelX = Math.min(x + 1, WIDTH - MARGIN - textWidth(t.label) / 2);
			canvas.text(t.label, labelX, plotBottom + TICK + 6, TEXT, { align: 'center' });
		}
		canvas.fillRect(x, plotBottom + 1, 1, t.label ? TICK : MINOR_TICK, BLACK);
	}
	for (const t of yAxis.ticks) {
		const y = Math.floor(toY(t.value));
		if (t.label) {
			canvas.fillRect(plotLeft + 1, y, plotRight - plotLeft, 1, GRID);
			canvas.text(t.label, plotLeft - TICK - 6, y - (CAP_H * SCALE) / 2 + 1, TEXT, { align: 'right' });
		}
		const length = t.label ? TICK : MINOR_TICK;
		canvas.fillRect(plotLeft - length, y, length, 1, BLACK);
	}
	canvas.fillRect(plotLeft, plotTop, 1, plotBottom - plotTop + 1, BLACK);
	canvas.fillRect(plotLeft, plotBottom, plotRight - plotLeft + 1, 1, BLACK);

	for (const s of series) {
		const pixels = s.points.map(([x, y]) => [toX(x), toY(y)]);
		canvas.polyline(pixels, s.colour, s.dashed);
		for (const [x, y] of pixels) canvas.marker(x, y, s.colour);
	}

	titleLines.forEach((line, i) => canvas.text(line, WIDTH / 2, MARGIN + i * LINE_H, BLACK, { align: 'center' }));
	const plotMiddleX = (plotLeft + plotRight) / 2;
	const xLabel = fitText(data.xLabel || '', WIDTH - 2 * MARGIN);
	canvas.text(xLabel, plotMiddleX, plotBottom + TICK + 6 + LINE_H + 4, TEXT, { align: 'center' });
	const yLabel = fitText(data.yLabel || '', plotBottom - plotTop);
	canvas.text(yLabel, MARGIN, (plotTop + plotBottom) / 2, TEXT, { align: 'center', vertical: true });

	legendRows.forEach((row, i) => {
		let x = Math.round((WIDTH - row.width) / 2);
		const y = legendTop + i * LINE_H;
		for (const entry of row.entries) {
			const middle = y + (CAP_H * SCALE) / 2;
			canvas.polyline([[x, middle], [x + SWATCH_W, middle]], entry.series.colour, entry.series.dashed);
			canvas.marker(x + SWATCH_W / 2, middle, entry.series.colour);
			canvas.text(entry.label, x + SWATCH_W + 8, y, TEXT);
			x += entry.width + LEGEND_GAP;
		}
	});

	fs.writeFileSync(outputFile, encodePng(canvas));
}

module.exports = { renderChartPng };

