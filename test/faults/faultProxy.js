// A proxy that stands between n8n and the sandbox and breaks answers on purpose, in the ways a
// network and a gateway break them: late, cut off half-way, or lost after Crustdata billed the
// request. It forwards every request to the sandbox with undici, so the sandbox sees, answers and
// bills it exactly as it would without the proxy; the fault applies to what goes back.
const http = require('node:http');
const { request } = require('undici');

const isBillable = (method, url) => method === 'POST' && url.startsWith('/person/');

// Headers of one hop, which the proxy sets (or undici refuses) rather than passes on.
const HOP_BY_HOP = ['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'expect', 'upgrade', 'proxy-connection', 'te', 'trailer'];

const withoutHopByHop = (headers) => Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.includes(name.toLowerCase())));

async function readBody(req) {
	const chunks = [];
	for await (const chunk of req) chunks.push(chunk);
	return Buffer.concat(chunks);
}

/**
 * Starts the proxy on a free loopback port in front of `targetUrl`. `faultFor(n)` says what
 * happens to the n-th billable answer (from 0): `'pass'`, `{ delayMs }`, `'truncate'` (the
 * headers and half the body, then the connection closes) or `'reset'` (no answer at all). Free
 * routes such as /account/endpoints always pass.
 */
async function startFaultProxy(targetUrl, faultFor) {
	let billable = 0;
	const log = [];
	const relay = async (req, res) => {
		const body = await readBody(req);
		const answer = await request(`${targetUrl}${req.url}`, {
			method: req.method,
			headers: withoutHopByHop(req.headers),
			body: body.length > 0 ? body : undefined,
		});
		const payload = Buffer.from(await answer.body.arrayBuffer());
		const fault = isBillable(req.method, req.url) ? faultFor(billable++) : 'pass';
		log.push({ method: req.method, url: req.url, status: answer.statusCode, fault });
		if (typeof fault === 'object' && fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
		if (fault === 'reset') return req.socket.destroy();
		res.writeHead(answer.statusCode, { ...withoutHopByHop(answer.headers), 'content-length': String(payload.length) });
		// Half the body really goes out before the connection closes, so the client sees a cut-off answer.
		if (fault === 'truncate') return res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => res.socket.destroy());
		res.end(payload);
	};
	// A failed relay (the sandbox dropped the request) reaches the client as a dropped connection, as it would through a gateway.
	const server = http.createServer((req, res) => relay(req, res).catch(() => req.socket.destroy()));
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		/** What the proxy did to each request, in order of arrival. */
		log,
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

module.exports = { startFaultProxy };
