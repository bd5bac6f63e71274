'use strict';
/*
 * Loopback imitation of the Crustdata person enrichment API, for integration and e2e tests.
 * Written from /work/shared/reference/crustdata-api-notes.md; see README.md in this folder.
 * CommonJS, Node 20, node: built-ins only (TLS too: the caller brings the key and certificate).
 */

const http = require('node:http');
const https = require('node:https');
const dataset = require('./dataset');
const batchJobs = require('./batchJobs');
const { closableServer } = require('./closableServer');
const {
	ACCOUNT_ENDPOINTS_LIMIT,
	ACCOUNT_ENDPOINTS_PATH,
	BATCH_ENRICH_PATH,
	CONTACT_ENRICH_PATH,
	CREDITS_PATH,
	ENDPOINT_CATALOGUE,
	ENRICH_PATH,
	LIVE_PATH,
} = require('./endpointCatalogue');

const { mulberry32 } = dataset;

const DEFAULT_SANDBOX_KEY = 'sandbox-key';
const UNLIMITED_RATE = 1000000;
const UNLIMITED_CREDITS = 1000000;
const MAX_IDENTIFIERS = 25;
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** The billable routes; each has its own sliding window, and they share the key-wide one. */
const BILLABLE_PATHS = Object.freeze([ENRICH_PATH, LIVE_PATH, CONTACT_ENRICH_PATH]);
/** The person endpoints whose fields follow the options (gatedSections, generation, grants). */
const PERSON_PATHS = Object.freeze([ENRICH_PATH, LIVE_PATH]);
/** Listed with the person endpoints' fields, as the batch submit checks them the same way; rpm stays the catalogue's. */
const PERSON_FIELD_PATHS = Object.freeze([...PERSON_PATHS, BATCH_ENRICH_PATH]);
const CONTACT_ON_ENRICH = Object.freeze(['reject400', 'deny403', 'omit']);
/** GET /account/endpoints: its own window, in real time (never scaled by rateLimit.windowMs). */
const ACCOUNT_ENDPOINTS_WINDOW_MS = 60000;

const URL_RE = /^https?:\/\/(www\.|[a-z]{2}\.)?linkedin\.com\/in\/[A-Za-z0-9\-_%]+\/?$/;
const EMAIL_RE =
	/^[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;
const FREE_MAIL = new Set([
	'gmail.com',
	'yahoo.com',
	'hotmail.com',
	'outlook.com',
	'icloud.com',
	'aol.com',
	'proton.me',
]);
const NON_BUSINESS_TLDS = ['.gov', '.mil', '.edu'];

/* The hostile switches (option `hostile`): answers a compromised or misconfigured server gives. */
const HOSTILE_SWITCHES = Object.freeze([
	'redirectTo',
	'redirectStatus',
	'echoHeaders',
	'echoKeyInListing',
	'rateLimitReset',
	'retryAfter',
	'dripMs',
	'entryFaults',
]);
const REDIRECT_STATUSES = Object.freeze([301, 302, 303, 307, 308]);
const DEFAULT_REDIRECT_STATUS = 307;
const ECHO_FORMATS = Object.freeze(['json', 'text', 'html']);
const ENTRY_FAULTS = Object.freeze(['nullEntry', 'matchesNotList', 'nullMatch', 'foreignEntry']);
/** The html echo is padded past this, as a WAF's block page is: a client must not show it whole. */
const ECHO_HTML_MIN_CHARS = 1000;

const DEFAULT_OPTIONS = Object.freeze({
	apiKey: DEFAULT_SANDBOX_KEY,
	apiVersion: '2025-11-01',
	rateLimit: Object.freeze({ limit: 15, windowMs: 60000 }),
	latencyMs: 0,
	serverErrorRate: 0,
	dropRate: 0,
	seed: 1,
	forcedResponses: Object.freeze([]),
	shuffle: false,
	creditBudget: null,
	previewEnabled: false,
	liveEnabled: true,
	gatedSections: Object.freeze(['certifications', 'honors']),
	notFoundAs404: false,
	emailLookupEnabled: true,
	unnamedBadRequests: false,
	endpointRateLimits: Object.freeze({}),
	tokenRateLimit: null,
	reportRateLimits: true,
	disabledEndpoints: Object.freeze([]),
	accountEndpointsAnswer: null,
	apiGeneration: 1,
	contactOnEnrich: 'reject400',
	grantedSections: Object.freeze([]),
	hostile: null,
	batch: batchJobs.DEFAULT_BATCH,
	batchFaults: batchJobs.DEFAULT_BATCH_FAULTS,
});

/** `port` and `tls` are taken by startSandbox() only (the server is made once). */
const START_ONLY_KEYS = Object.freeze(['port', 'tls']);
const OPTION_KEYS = Object.keys(DEFAULT_OPTIONS).concat(START_ONLY_KEYS);

function errorBody(type, message, metadata) {
	return { error: { type, message, metadata: metadata === undefined ? [] : metadata } };
}

class HttpError {
	constructor(status, type, message, metadata) {
		this.status = status;
		this.body = errorBody(type, message, metadata);
	}
}
const badRequest = (message, metadata) => new HttpError(400, 'invalid_request', message, metadata);

/* ------------------------------------------------------------------ field selection */

/** Selection tree from field names: nested objects, `true` = the whole sub-tree. */
function selectionTree(fields) {
	const tree = {};
	for (const field of fields) {
		const segs = field.split('.');
		let node = tree;
		for (let i = 0; i < segs.length; i++) {
			const seg = segs[i];
			if (node[seg] === true) break;
			if (i === segs.length - 1) node[seg] = true;
			else {
				if (typeof node[seg] !== 'object') node[seg] = {};
				node = node[seg];
			}
		}
	}
	return tree;
}

function project(value, tree) {
	if (tree === true || value === null || value === undefined) return value;
	if (Array.isArray(value)) return value.map((v) => project(v, tree));
	if (typeof value !== 'object') return value;
	const out = {};
	for (const key of Object.keys(value)) {
		if (Object.prototype.hasOwnProperty.call(tree, key)) out[key] = project(value[key], tree[key]);
	}
	return out;
}

function projectPerson(person, tree) {
	const out = project(person, tree);
	return { crustdata_person_id: person.crustdata_person_id, ...out };
}

function previewPerson(person) {
	const b = person.basic_profile;
	return {
		crustdata_person_id: person.crustdata_person_id,
		basic_profile: {
			name: b.name,
			headline: b.headline,
			current_title: b.current_title,
			location: b.location,
		},
	};
}

const nonEmpty = (v) => Array.isArray(v) && v.length > 0;

/** Credits for one returned person_data (already filtered). */
function creditsFor(personData) {
	let c = 1;
	const contact = personData.contact;
	if (contact && typeof contact === 'object') {
		if (nonEmpty(contact.business_emails)) c += 1;
		if (nonEmpty(contact.personal_emails)) c += 2;
		if (nonEmpty(contact.phone_numbers)) c += 2;
	}
	if (nonEmpty(personData.dev_platform_profiles)) c += 1;
	return Math.min(c, 7);
}

/** Generation 2 /person/enrich: 1 + 1 developer platform (at most 2), + 5 social_posts; no contact. */
function creditsForGeneration2(personData) {
	let c = 1;
	if (nonEmpty(personData.dev_platform_profiles)) c += 1;
	c = Math.min(c, 2);
	if (nonEmpty(personData.social_posts)) c += 5;
	return c;
}

/** `contact` or a dot path inside it. */
const isContactEntry = (field) => field === 'contact' || field.startsWith('contact.');

/**
 * person_data.contact of POST /person/contact/enrich: only the requested tiers, in the API's
 * order; `verified` keeps only deliverable business emails and says why when none is left.
 */
function contactTiers(person, tiers, verified) {
	const all = dataset.contactEnrichData(person);
	const out = {};
	for (const tier of dataset.CONTACT_FIELDS) {
		if (!tiers.includes(tier)) continue;
		const key = tier.slice('contact.'.length);
		if (key === 'business_emails' && verified) {
			const deliverable = all.business_emails.filter((e) => e.status === 'deliverable');
			out.business_emails = deliverable;
			if (deliverable.length === 0) {
				out.business_emails_message =
					all.business_emails.length === 0
						? 'No business email found'
						: 'No deliverable business email found';
			}
		} else out[key] = all[key];
	}
	return out;
}

/** POST /person/contact/enrich, one matched person: per tier returned non-empty, at most 5, + 0.5 verified. */
function contactCredits(contact, verified) {
	let c = 0;
	if (nonEmpty(contact.business_emails)) c += 1;
	if (nonEmpty(contact.personal_emails)) c += 2;
	if (nonEmpty(contact.phone_numbers)) c += 2;
	c = Math.min(c, 5);
	if (verified && nonEmpty(contact.business_emails)) c += 0.5;
	return c;
}

/* ------------------------------------------------------------------ GET /account/endpoints */

/** Query parameters as an object: a name given once → its string, given again → all values in order. */
function queryObject(search) {
	const out = {};
	for (const [name, value] of search) {
		const seen = Object.prototype.hasOwnProperty.call(out, name);
		Object.defineProperty(out, name, {
			value: seen ? [].concat(out[name], value) : value,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	}
	return out;
}

/* ------------------------------------------------------------------ options */

function normalizeRateLimit(value, current) {
	if (value === null || value === false) return null;
	if (value === undefined) return current;
	const base = current || DEFAULT_OPTIONS.rateLimit;
	const merged = { limit: base.limit, windowMs: base.windowMs, ...value };
	return { limit: Number(merged.limit), windowMs: Number(merged.windowMs) };
}

/** `{ [path]: limit }` as numbers, a fresh object; null/undefined entries are dropped. */
function normalizeEndpointRateLimits(value) {
	const out = {};
	if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
	for (const path of Object.keys(value)) {
		if (value[path] !== null && value[path] !== undefined) out[path] = Number(value[path]);
	}
	return out;
}

function normalizeTokenRateLimit(value, current) {
	if (value === null || value === false) return null;
	if (value === undefined) return current;
	return Number(value);
}

/** null, 'drop', 'hang' or a copy of `{ status, body, headers }`; anything else is a TypeError. */
function normalizeAccountEndpointsAnswer(value) {
	if (value === null || value === 'drop' || value === 'hang') return value;
	if (value && typeof value === 'object' && !Array.isArray(value)) return structuredClone(value);
	throw new TypeError(
		`accountEndpointsAnswer must be null, 'drop', 'hang' or { status, body, headers }, got ${JSON.stringify(value)}`,
	);
}

/** 1 or 2 (numbers or the strings '1', '2'); anything else is a TypeError. */
function normalizeApiGeneration(value) {
	if (value === 1 || value === 2 || value === '1' || value === '2') return Number(value);
	throw new TypeError(`apiGeneration must be 1 or 2, got ${JSON.stringify(value)}`);
}

function normalizeContactOnEnrich(value) {
	if (CONTACT_ON_ENRICH.includes(value)) return value;
	throw new TypeError(
		`contactOnEnrich must be one of ${CONTACT_ON_ENRICH.map((v) => `'${v}'`).join(', ')}, got ${JSON.stringify(value)}`,
	);
}

/** A raw header value for a hostile switch, one Node will send as it is. */
function headerValue(value, name) {
	// what Node's writeHead accepts: tab, visible ASCII, Latin-1; anything else would throw mid-answer
	if (typeof value === 'string' && /^[\t\x20-\x7e\x80-\xff]*$/.test(value)) return value;
	throw new TypeError(
		`hostile.${name} must be a string without control characters, got ${JSON.stringify(value)}`,
	);
}

/**
 * null, or a fresh copy of the hostile switches that are set (a null or undefined switch is
 * left out); an unknown switch or a value of the wrong kind is a TypeError, so a typo in a test
 * cannot silently turn the fault off.
 */
function normalizeHostile(value) {
	if (value === null) return null;
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		throw new TypeError(`hostile must be null or an object, got ${JSON.stringify(value)}`);
	}
	const out = {};
	for (const key of Object.keys(value)) {
		if (!HOSTILE_SWITCHES.includes(key)) {
			throw new TypeError(
				`hostile has no switch ${JSON.stringify(key)} (known: ${HOSTILE_SWITCHES.join(', ')})`,
			);
		}
		const v = value[key];
		if (v === null || v === undefined) continue;
		if (key === 'redirectTo') {
			let ok = typeof v === 'string';
			if (ok) {
				try {
					new URL(v);
				} catch {
					ok = false;
				}
			}
			if (!ok)
				throw new TypeError(`hostile.redirectTo must be an absolute URL, got ${JSON.stringify(v)}`);
			out.redirectTo = v;
		} else if (key === 'redirectStatus') {
			if (!REDIRECT_STATUSES.includes(v)) {
				throw new TypeError(
					`hostile.redirectStatus must be one of ${REDIRECT_STATUSES.join(', ')}, got ${JSON.stringify(v)}`,
				);
			}
			out.redirectStatus = v;
		} else if (key === 'echoHeaders') {
			const okStatus =
				v &&
				typeof v === 'object' &&
				Number.isInteger(v.status) &&
				v.status >= 200 &&
				v.status <= 599;
			const format =
				v && typeof v === 'object' && v.format !== undefined && v.format !== null
					? v.format
					: 'json';
			if (!okStatus || Array.isArray(v) || !ECHO_FORMATS.includes(format)) {
				throw new TypeError(
					`hostile.echoHeaders must be { status: 200..599, format?: ${ECHO_FORMATS.map((f) => `'${f}'`).join(' | ')} }, got ${JSON.stringify(v)}`,
				);
			}
			out.echoHeaders = { status: v.status, format };
		} else if (key === 'echoKeyInListing') {
			if (typeof v !== 'boolean')
				throw new TypeError(`hostile.echoKeyInListing must be a boolean, got ${JSON.stringify(v)}`);
			out.echoKeyInListing = v;
		} else if (key === 'rateLimitReset' || key === 'retryAfter') {
			out[key] = headerValue(v, key);
		} else if (key === 'dripMs') {
			if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
				throw new TypeError(
					`hostile.dripMs must be a number of 0 or more, got ${JSON.stringify(v)}`,
				);
			}
			out.dripMs = v;
		} else if (key === 'entryFaults') {
			if (!Array.isArray(v) || v.some((f) => !ENTRY_FAULTS.includes(f))) {
				throw new TypeError(
					`hostile.entryFaults must be an array of ${ENTRY_FAULTS.map((f) => `'${f}'`).join(', ')}, got ${JSON.stringify(v)}`,
				);
			}
			out.entryFaults = [...new Set(v)];
		}
	}
	return out;
}

/**
 * A copy of normalized hostile switches, built from literals rather than with structuredClone,
 * whose objects come from another realm under jest (strict deep equality tells them apart).
 */
function copyHostile(hostile) {
	if (!hostile) return null;
	const out = { ...hostile };
	if (hostile.echoHeaders) out.echoHeaders = { ...hostile.echoHeaders };
	if (hostile.entryFaults) out.entryFaults = hostile.entryFaults.slice();
	return out;
}

/** `{ key, cert }` (PEM strings or Buffers) for startSandbox({ tls }); anything else is a TypeError. */
function normalizeTls(value) {
	if (value === undefined || value === null) return null;
	const pem = (v) => typeof v === 'string' || Buffer.isBuffer(v);
	if (!value || typeof value !== 'object' || !pem(value.key) || !pem(value.cert)) {
		throw new TypeError('tls must be { key, cert } with PEM strings');
	}
	return { key: value.key, cert: value.cert };
}

function mergeOptions(current, partial) {
	const next = { ...current };
	if (!partial || typeof partial !== 'object') return next;
	for (const key of Object.keys(partial)) {
		if (!OPTION_KEYS.includes(key) || START_ONLY_KEYS.includes(key)) continue;
		const value = partial[key];
		if (key === 'rateLimit') next.rateLimit = normalizeRateLimit(value, current.rateLimit);
		else if (key === 'forcedResponses')
			next.forcedResponses = Array.isArray(value) ? value.slice() : [];
		else if (key === 'gatedSections')
			next.gatedSections = Array.isArray(value) ? value.slice() : [];
		else if (key === 'disabledEndpoints')
			next.disabledEndpoints = Array.isArray(value) ? value.slice() : [];
		else if (key === 'grantedSections')
			next.grantedSections = Array.isArray(value) ? value.slice() : [];
		else if (key === 'apiGeneration') {
			if (value !== undefined) next.apiGeneration = normalizeApiGeneration(value);
		} else if (key === 'contactOnEnrich') {
			if (value !== undefined) next.contactOnEnrich = normalizeContactOnEnrich(value);
		} else if (key === 'endpointRateLimits') {
			if (value !== undefined) next.endpointRateLimits = normalizeEndpointRateLimits(value);
		} else if (key === 'tokenRateLimit')
			next.tokenRateLimit = normalizeTokenRateLimit(value, current.tokenRateLimit);
		else if (key === 'accountEndpointsAnswer') {
			if (value !== undefined) next.accountEndpointsAnswer = normalizeAccountEndpointsAnswer(value);
		} else if (key === 'hostile') {
			if (value !== undefined) next.hostile = normalizeHostile(value);
		} else if (key === 'batch') next.batch = batchJobs.normalizeBatch(value, current.batch);
		else if (key === 'batchFaults') {
			if (value !== undefined) next.batchFaults = batchJobs.normalizeBatchFaults(value);
		} else if (value !== undefined) next[key] = value;
	}
	return next;
}

/** `pendingBatchFaults`: the batch fault queues still pending and the switches (the jobs own them). */
function publicOptions(opts, pendingForced, pendingBatchFaults) {
	return {
		...opts,
		forcedResponses: pendingForced.slice(),
		gatedSections: opts.gatedSections.slice(),
		endpointRateLimits: { ...opts.endpointRateLimits },
		disabledEndpoints: opts.disabledEndpoints.slice(),
		grantedSections: opts.grantedSections.slice(),
		accountEndpointsAnswer:
			opts.accountEndpointsAnswer && typeof opts.accountEndpointsAnswer === 'object'
				? structuredClone(opts.accountEndpointsAnswer)
				: opts.accountEndpointsAnswer,
		hostile: copyHostile(opts.hostile),
		batch: { ...opts.batch },
		batchFaults: pendingBatchFaults,
	};
}

/* ------------------------------------------------------------------ server */

/**
 * Start the sandbox on 127.0.0.1.
 * @param {object} [options]
 * @returns {Promise<object>} the Sandbox handle (see server.d.ts)
 */
function startSandbox(options = {}) {
	const tls = normalizeTls(options.tls);
	let opts = mergeOptions(
		{
			...DEFAULT_OPTIONS,
			forcedResponses: [],
			gatedSections: DEFAULT_OPTIONS.gatedSections.slice(),
			endpointRateLimits: {},
			disabledEndpoints: [],
			grantedSections: [],
			batch: { ...DEFAULT_OPTIONS.batch },
		},
		options,
	);
	const requests = [];
	// Each request's log entry, so an answer given from a catch still lands on its own entry.
	const requestOf = new WeakMap();
	// Told of the log before each reset() empties it.
	const resetListeners = [];
	const timers = new Set();
	const endpointHits = new Map(); // billable path → arrival times counted into its own window
	const tokenHits = []; // arrival times counted into the key-wide window (all billable paths)
	const accountHits = []; // arrival times counted into the /account/endpoints window
	let creditsUsed = 0;
	let answered = 0; // number of 200 answers generated (drives the match_status alternation)
	let faultRng = mulberry32(Number(opts.seed) || 0);
	let shuffleRng = mulberry32((Number(opts.seed) || 0) ^ 0x5bd1e995);
	let forced = opts.forcedResponses.slice();

	const reseed = () => {
		faultRng = mulberry32(Number(opts.seed) || 0);
		shuffleRng = mulberry32((Number(opts.seed) || 0) ^ 0x5bd1e995);
	};

	/* ---- rate windows ---- */
	/** Drops the arrival times that left a window of `windowMs` (in place). */
	function prune(hits, windowMs, now) {
		const cutoff = now - windowMs;
		let i = 0;
		while (i < hits.length && hits[i] <= cutoff) i++;
		if (i > 0) hits.splice(0, i);
	}

	/** `{ limit, remaining, reset }` of one window; reset in seconds, see rateHeaderValues. */
	function windowState(hits, limit, windowMs, now) {
		prune(hits, windowMs, now);
		let reset = 0;
		if (hits.length > 0) {
			const ms = Math.max(0, hits[0] + windowMs - now);
			// Whole seconds, rounded up, on Crustdata's 60 s window; a time-scaled window keeps the
			// same relative precision (a sixtieth of the window), so scaling does not inflate waits.
			const unitMs = windowMs / 60;
			reset = Math.round(Math.ceil(ms / unitMs) * unitMs) / 1000;
		}
		return { limit, remaining: Math.max(0, limit - hits.length), reset };
	}

	function rateHeaderValues(state) {
		return {
			'x-ratelimit-limit': String(state.limit),
			'x-ratelimit-remaining': String(state.remaining),
			'x-ratelimit-reset': String(state.reset),
		};
	}

	/** Requests per window of one billable endpoint: its endpointRateLimits entry, else rateLimit.limit. */
	function endpointLimit(path) {
		const own = opts.endpointRateLimits;
		if (Object.prototype.hasOwnProperty.call(own, path)) return own[path];
		return opts.rateLimit ? opts.rateLimit.limit : null;
	}

	function endpointHitsOf(path) {
		let hits = endpointHits.get(path);
		if (!hits) {
			hits = [];
			endpointHits.set(path, hits);
		}
		return hits;
	}

	/** The endpoint's window and the key-wide one (null when tokenRateLimit is null), or null when unlimited. */
	function billableWindows(path, now) {
		const rl = opts.rateLimit;
		if (!rl) {
			endpointHits.clear();
			tokenHits.length = 0;
			return null;
		}
		const endpoint = windowState(endpointHitsOf(path), endpointLimit(path), rl.windowMs, now);
		prune(tokenHits, rl.windowMs, now);
		const token =
			opts.tokenRateLimit === null || opts.tokenRateLimit === undefined
				? null
				: windowState(tokenHits, opts.tokenRateLimit, rl.windowMs, now);
		return { endpoint, token };
	}

	/** Headers of a billable answer: the window with fewer requests remaining (the endpoint's on a tie). */
	function rateHeaders(path, now) {
		const windows = billableWindows(path, now);
		if (!windows) {
			return {
				'x-ratelimit-limit': String(UNLIMITED_RATE),
				'x-ratelimit-remaining': String(UNLIMITED_RATE - 1),
				'x-ratelimit-reset': '0',
			};
		}
		const { endpoint, token } = windows;
		if (!token) return rateHeaderValues(endpoint);
		// Both full: a request fits again only when both have room, so the later reset is the true one.
		const tokenBinds =
			token.remaining < endpoint.remaining || (token.remaining === 0 && endpoint.remaining === 0 && token.reset > endpoint.reset);
		return rateHeaderValues(tokenBinds ? token : endpoint);
	}

	/**
	 * Counts the request into its endpoint's window and the key-wide one unless either is full
	 * (then it counts in neither); returns false when limited. `force` counts it regardless.
	 */
	function takeRateSlot(path, now, force) {
		const windows = billableWindows(path, now);
		if (!windows) return true;
		const { endpoint, token } = windows;
		if (!force && (endpoint.remaining <= 0 || (token && token.remaining <= 0))) return false;
		endpointHitsOf(path).push(now);
		tokenHits.push(now);
		return true;
	}

	function accountEndpointsHeaders(now) {
		return rateHeaderValues(
			windowState(accountHits, ACCOUNT_ENDPOINTS_LIMIT, ACCOUNT_ENDPOINTS_WINDOW_MS, now),
		);
	}

	/* ---- request handling ---- */
	function readBody(req) {
		return new Promise((resolve) => {
			const chunks = [];
			let size = 0;
			req.on('data', (c) => {
				size += c.length;
				if (size <= MAX_BODY_BYTES) chunks.push(c);
			});
			req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
			req.on('error', () => resolve(''));
		});
	}

	function later(ms, fn) {
		if (!ms || ms <= 0) return fn();
		const t = setTimeout(() => {
			timers.delete(t);
			fn();
		}, ms);
		timers.add(t);
	}

	/**
	 * The bytes and headers of an answer: JSON unless a string, content-length set, and
	 * content-type: application/json unless given or `bare` (a redirect's empty body has none).
	 */
	function wire(body, headers, bare) {
		const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
		const h = { ...headers };
		if (!bare && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
			h['content-type'] = 'application/json';
		h['content-length'] = String(payload.length);
		return { payload, headers: h };
	}

	function send(res, status, body, headers, bare) {
		if (res.destroyed || res.writableEnded) return;
		const w = wire(body, headers, bare);
		res.writeHead(status, w.headers);
		res.end(w.payload);
	}

	/**
	 * hostile.dripMs: the headers at once, then the body one byte every `dripMs` ms (a server that
	 * stalls mid-answer: a client timing only the wait for headers never gives up). The timers
	 * are tracked, so close() stops the drip and destroys the socket.
	 */
	function sendDrip(res, status, body, headers, dripMs, bare) {
		if (res.destroyed || res.writableEnded) return;
		const w = wire(body, headers, bare);
		res.writeHead(status, w.headers);
		res.flushHeaders();
		let sent = 0;
		const step = () => {
			if (res.destroyed || res.writableEnded) return;
			sent += 1;
			if (sent >= w.payload.length) return res.end(w.payload.subarray(sent - 1, sent));
			res.write(w.payload.subarray(sent - 1, sent));
			later(dripMs, step);
		};
		if (w.payload.length === 0) return res.end();
		later(dripMs, step);
	}

	/** hostile.redirectTo: where a request to `rawUrl` (path and query as received) is sent. */
	function redirectAnswer(rawUrl) {
		const hostile = opts.hostile;
		if (!hostile || hostile.redirectTo === undefined) return null;
		// one slash between them, so a redirectTo ending in '/' does not make '//person/enrich'
		const location = hostile.redirectTo.replace(/\/+$/, '') + rawUrl;
		return {
			status: hostile.redirectStatus || DEFAULT_REDIRECT_STATUS,
			body: '',
			headers: { location },
			bare: true,
		};
	}

	/**
	 * hostile.echoHeaders: a gateway's or WAF's refusal that quotes every request header back,
	 * authorization included, as JSON, plain text or a long html page.
	 */
	function echoHeadersAnswer(req) {
		const { status, format } = opts.hostile.echoHeaders;
		// as received, names lower-cased (req.rawHeaders keeps the order and repeated headers)
		const pairs = [];
		for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
			pairs.push([req.rawHeaders[i].toLowerCase(), req.rawHeaders[i + 1]]);
		const sentence = `Request rejected by gateway; headers received: ${pairs.map(([n, v]) => `${n}: ${v}`).join(', ')}`;
		if (format === 'text')
			return { status, body: sentence, headers: { 'content-type': 'text/plain; charset=utf-8' } };
		if (format === 'html') {
			const escape = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
			const lines = pairs.map(([n, v]) => escape(`${n}: ${v}`)).join('\n');
			let filler = '';
			const head = `<html><head><title>Request Rejected</title></head><body><h1>Request Rejected</h1><pre>${lines}</pre>`;
			const tail = '</body></html>';
			const paragraph =
				'<p>The requested URL was rejected by the security policy of this gateway. If you believe this is an error, contact the site administrator and quote the support ID below.</p>';
			let id = 1;
			do {
				filler += `${paragraph}<p>Support ID: 1847${String(id).padStart(12, '0')}</p>`;
				id += 1;
			} while ((head + filler + tail).length <= ECHO_HTML_MIN_CHARS);
			return {
				status,
				body: head + filler + tail,
				headers: { 'content-type': 'text/html; charset=utf-8' },
			};
		}
		// a gateway's own shape, not Crustdata's: no metadata
		return { status, body: { error: { type: 'gateway_error', message: sentence } } };
	}

	/** `versionRequired` false for the batch reads, whose x-api-version is not required (the notes). */
	function checkAuthAndVersion(req, versionRequired = true) {
		if (req.headers.authorization !== `Bearer ${opts.apiKey}`) {
			return { status: 401, body: { message: 'Invalid API key in request' }, authed: false };
		}
		if (!versionRequired) return null;
		const version = req.headers['x-api-version'];
		if (version === undefined) {
			return {
				status: 400,
				body: errorBody('invalid_request', 'Missing required header: x-api-version'),
				authed: true,
			};
		}
		if (version !== opts.apiVersion) {
			return {
				status: 400,
				body: errorBody('invalid_request', `Unsupported x-api-version: ${version}`),
				authed: true,
			};
		}
		return null;
	}

	async function handle(req, res) {
		const at = Date.now();
		const rawUrl = req.url || '/';
		const queryAt = rawUrl.indexOf('?');
		const path = queryAt >= 0 ? rawUrl.slice(0, queryAt) : rawUrl;
		const search = new URLSearchParams(queryAt >= 0 ? rawUrl.slice(queryAt + 1) : '');
		const method = req.method || 'GET';
		const raw = await readBody(req);
		let body = raw;
		let parsedOk = false;
		if (raw !== '') {
			try {
				body = JSON.parse(raw);
				parsedOk = true;
			} catch {
				body = raw;
			}
		}

		// control endpoints: no auth, not logged
		if (path.startsWith('/__sandbox/')) {
			if (method === 'GET' && path === '/__sandbox/requests') return send(res, 200, requests);
			if (method === 'POST' && path === '/__sandbox/reset') {
				api.reset();
				return send(res, 200, { ok: true });
			}
			if (method === 'POST' && path === '/__sandbox/configure') {
				if (!parsedOk || !body || typeof body !== 'object' || Array.isArray(body)) {
					return send(res, 400, errorBody('invalid_request', 'Request body must be a JSON object'));
				}
				try {
					api.configure(body);
				} catch (err) {
					return send(res, 400, errorBody('invalid_request', err.message));
				}
				return send(res, 200, { ok: true, options: api.options });
			}
			if (method === 'GET' && path === '/__sandbox/state') {
				return send(res, 200, {
					options: api.options,
					creditsUsed,
					requestCount: requests.length,
					pendingForcedResponses: forced.length,
					resultsUrl: api.resultsUrl,
					batchJobCount: batch.jobCount(),
					activeBatchJobs: batch.activeCount(),
				});
			}
			if (method === 'GET' && path === '/__sandbox/downloads') return send(res, 200, batch.downloads);
			if (method === 'GET' && path === '/__sandbox/webhooks') return send(res, 200, batch.webhooks);
			return send(res, 404, errorBody('not_found', 'Not found'));
		}

		const isEnrich = method === 'POST' && BILLABLE_PATHS.includes(path);
		const isCredits = method === 'GET' && path === CREDITS_PATH;
		const isAccountEndpoints = method === 'GET' && path === ACCOUNT_ENDPOINTS_PATH;
		const batchRoute = batchJobs.batchRoute(method, path);
		// Crustdata names a missing route, which tells a wrong Base URL from a lookup that found nobody
		if (!isEnrich && !isCredits && !isAccountEndpoints && !batchRoute)
			return send(res, 404, errorBody('not_found', `No route for ${method} ${path}`));

		const idKey =
			parsedOk && body && typeof body === 'object' && !Array.isArray(body)
				? ['professional_network_profile_urls', 'business_emails'].find((k) =>
						Array.isArray(body[k]),
					)
				: undefined;
		const entry = {
			at,
			method,
			path,
			query: queryObject(search),
			headers: { ...req.headers },
			body,
			status: null,
			identifierCount:
				batchRoute === 'submit'
					? batchJobs.countIdentifiers(parsedOk ? body : null)
					: idKey
						? body[idKey].length
						: 0,
			creditsUsed: 0,
			apiGeneration: opts.apiGeneration,
			answer: null,
			scripted: false,
		};
		requests.push(entry);
		requestOf.set(req, entry);

		const finish = (status, payload, headers, dripMs, bare) => {
			entry.status = status;
			entry.answer = { body: payload, headers: { ...headers } };
			if (dripMs > 0) sendDrip(res, status, payload, headers, dripMs, bare);
			else send(res, status, payload, headers, bare);
		};

		// hostile.redirectTo: the free routes are redirected at once (enrich ones after latencyMs, below)
		if (!isEnrich) {
			const redirect = redirectAnswer(rawUrl);
			if (redirect) {
				entry.scripted = true;
				return finish(redirect.status, redirect.body, redirect.headers, 0, true);
			}
		}

		// batch jobs: answered at once (no latencyMs, no rate window); the version only on submit
		if (batchRoute) {
			const authErr = checkAuthAndVersion(req, batchRoute === 'submit');
			if (authErr) return finish(authErr.status, authErr.body);
			const outcome = batch.answer(batchRoute, { path, search, body, parsedOk, entry });
			if (outcome.drop) {
				entry.status = 'dropped';
				req.socket.destroy();
				return;
			}
			if (outcome.hang) return; // no answer; close() destroys the socket
			if (outcome.scripted) entry.scripted = true;
			return finish(outcome.status, outcome.body, outcome.headers || {});
		}

		if (isCredits) {
			const authErr = checkAuthAndVersion(req);
			if (authErr) return finish(authErr.status, authErr.body);
			const credits =
				opts.creditBudget === null || opts.creditBudget === undefined
					? UNLIMITED_CREDITS
					: Math.max(0, opts.creditBudget - creditsUsed);
			return finish(200, { account: { credits } });
		}

		// free, answered at once (no latencyMs), its own real-time window
		if (isAccountEndpoints) {
			const authErr = checkAuthAndVersion(req);
			if (authErr) {
				return finish(
					authErr.status,
					authErr.body,
					authErr.authed ? accountEndpointsHeaders(at) : {},
				);
			}
			const scripted = opts.accountEndpointsAnswer;
			if (scripted === 'drop') {
				entry.status = 'dropped';
				req.socket.destroy();
				return;
			}
			if (scripted === 'hang') return; // no answer; close() destroys the socket
			if (scripted && typeof scripted === 'object') {
				entry.scripted = true;
				return finish(
					Number(scripted.status) || 200,
					scripted.body === undefined ? '' : scripted.body,
					{ ...(scripted.headers || {}) },
				);
			}
			const state = windowState(
				accountHits,
				ACCOUNT_ENDPOINTS_LIMIT,
				ACCOUNT_ENDPOINTS_WINDOW_MS,
				at,
			);
			if (state.remaining <= 0) {
				return finish(
					429,
					errorBody('rate_limit_exceeded', 'Rate limit exceeded. Try again later.'),
					rateHeaderValues(state),
				);
			}
			accountHits.push(at);
			const listing = accountEndpointsBody(search);
			// hostile.echoKeyInListing: the key comes back where a client reads a status (after the filters)
			if (opts.hostile && opts.hostile.echoKeyInListing) {
				entry.scripted = true;
				for (const e of listing.endpoints) e.status = req.headers.authorization;
			}
			return finish(200, listing, accountEndpointsHeaders(at));
		}

		// enrich: decide at arrival, answer after latencyMs
		const latency = Number(opts.latencyMs) || 0;
		const outcome = decideEnrich(req, rawUrl, path, body, parsedOk, at, entry);
		const dripMs = (opts.hostile && opts.hostile.dripMs) || 0;
		if (dripMs > 0 && !outcome.drop) entry.scripted = true;
		later(latency, () => {
			if (outcome.drop) {
				entry.status = 'dropped';
				req.socket.destroy();
				return;
			}
			finish(outcome.status, outcome.body, outcome.headers, dripMs, outcome.bare);
		});
	}

	/**
	 * Everything an enrich request leads to, computed at arrival: the hostile answers that stand
	 * in front of the API (redirect, header echo) first, then the API's own answer, whose
	 * rate-limit headers the hostile switches may then replace.
	 */
	function decideEnrich(req, rawUrl, path, body, parsedOk, now, entry) {
		const hostile = opts.hostile;
		if (hostile) {
			// a gateway answers these: nothing reaches the API, so no rate slot and nothing billed
			const stand = redirectAnswer(rawUrl) || (hostile.echoHeaders ? echoHeadersAnswer(req) : null);
			if (stand) {
				entry.scripted = true;
				return stand;
			}
		}
		const outcome = decideApiAnswer(req, path, body, parsedOk, now, entry);
		if (!hostile || outcome.drop || outcome.forced) return outcome;
		const headers = outcome.headers;
		if (hostile.rateLimitReset !== undefined && headers && 'x-ratelimit-reset' in headers) {
			headers['x-ratelimit-reset'] = hostile.rateLimitReset;
			entry.scripted = true;
		}
		if (hostile.retryAfter !== undefined && outcome.status === 429) {
			outcome.headers = { ...headers, 'retry-after': hostile.retryAfter };
			entry.scripted = true;
		}
		return outcome;
	}

	/** The API's own answer to an enrich request (forced responses and faults included). */
	function decideApiAnswer(req, path, body, parsedOk, now, entry) {
		const authErr = checkAuthAndVersion(req);
		if (authErr) {
			return {
				status: authErr.status,
				body: authErr.body,
				headers: authErr.authed ? rateHeaders(path, now) : {},
			};
		}

		// scripted responses come first and bypass everything (no rate counting, no billing)
		if (forced.length > 0) {
			entry.scripted = true;
			const f = forced.shift();
			if (f === 'drop') return { drop: true };
			const fr = f && typeof f === 'object' ? f : {};
			return {
				status: Number(fr.status) || 200,
				body: fr.body === undefined ? '' : fr.body,
				headers: { ...(fr.headers || {}) },
				forced: true, // sent exactly as given: no hostile header replaced
			};
		}

		// fault injection: counted into the rate window (the server saw it), never billed
		const dropRate = Number(opts.dropRate) || 0;
		const errRate = Number(opts.serverErrorRate) || 0;
		if (dropRate > 0 || errRate > 0) {
			const r = faultRng();
			if (r < dropRate) {
				takeRateSlot(path, now, true);
				return { drop: true };
			}
			if (r < dropRate + errRate) {
				takeRateSlot(path, now, true);
				return {
					status: 500,
					body: errorBody('internal_error', 'Internal server error'),
					headers: rateHeaders(path, now),
				};
			}
		}

		if (!takeRateSlot(path, now, false)) {
			return {
				status: 429,
				body: errorBody('rate_limit_exceeded', 'Rate limit exceeded. Try again later.'),
				headers: rateHeaders(path, now),
			};
		}
		const headers = rateHeaders(path, now);

		if (
			opts.creditBudget !== null &&
			opts.creditBudget !== undefined &&
			creditsUsed >= opts.creditBudget
		) {
			return {
				status: 402,
				body: errorBody(
					'insufficient_credits',
					'Insufficient credits. Please top up your account.',
				),
				headers,
			};
		}

		const live = path === LIVE_PATH;
		if (live && !opts.liveEnabled) {
			return {
				status: 403,
				body: errorBody('permission_error', 'Live enrich is not enabled for your plan'),
				headers,
			};
		}
		// generation 1: /person/contact/enrich is for enterprise plans only
		const contactRoute = path === CONTACT_ENRICH_PATH;
		if (opts.disabledEndpoints.includes(path) || (contactRoute && opts.apiGeneration !== 2)) {
			return {
				status: 403,
				body: errorBody(
					'permission_error',
					`Your plan does not include ${path}. Contact Crustdata to upgrade.`,
				),
				headers,
			};
		}

		let result;
		try {
			result = contactRoute ? answerContact(body, parsedOk) : answer(body, parsedOk, live);
		} catch (err) {
			if (err instanceof HttpError) return { status: err.status, body: err.body, headers };
			throw err;
		}
		creditsUsed += result.credits;
		entry.creditsUsed = result.credits;
		if (result.mangled) entry.scripted = true;
		return {
			status: result.status,
			body: result.body,
			headers:
				result.status === 200 ? { ...headers, 'x-credits-used': String(result.credits) } : headers,
		};
	}

	/** The answer of GET /account/endpoints for these query parameters. */
	function accountEndpointsBody(search) {
		const rl = opts.rateLimit;
		const report = opts.reportRateLimits !== false;
		const rpm = (limit) => (rl && report ? Math.round((limit * 60000) / rl.windowMs) : null);
		const generation = opts.apiGeneration;
		const denied = deniedSections();
		const personFields = {
			enabled: dataset
				.validFieldPaths(generation)
				.filter((f) => !denied.includes(f.split('.')[0])),
			disabled: denied.slice(),
		};
		const filters = ['path', 'category', 'status'].filter((k) => search.has(k));
		const endpoints = [];
		for (const e of ENDPOINT_CATALOGUE) {
			const person = PERSON_PATHS.includes(e.path);
			const personFieldsApply = PERSON_FIELD_PATHS.includes(e.path);
			// generation 2 enables the contact endpoints for every key; generation 1 keeps the fixed catalogue entry
			const enabledNow = e.generation2 === true && generation === 2;
			let status = enabledNow ? 'enabled' : e.status;
			if (e.path === LIVE_PATH && !opts.liveEnabled) status = 'not_enabled';
			if (opts.disabledEndpoints.includes(e.path)) status = 'not_enabled';
			let fields;
			if (personFieldsApply) {
				fields = { enabled: personFields.enabled.slice(), disabled: personFields.disabled.slice() };
			} else if (enabledNow) fields = { enabled: e.fields.disabled.slice(), disabled: [] };
			else fields = { enabled: e.fields.enabled.slice(), disabled: e.fields.disabled.slice() };
			// the batch paths keep the catalogue's rpm: they have no window here
			const windowed = person || (enabledNow && BILLABLE_PATHS.includes(e.path));
			const out = {
				path: e.path,
				category: e.category,
				status,
				effective_rate_limit_rpm: windowed ? rpm(endpointLimit(e.path)) : report ? e.rpm : null,
				fields,
			};
			if (filters.every((k) => out[k] === search.get(k))) endpoints.push(out);
		}
		const tokenLimit = opts.tokenRateLimit;
		return {
			api_version: opts.apiVersion,
			token_limit_rpm: tokenLimit === null || tokenLimit === undefined ? null : rpm(tokenLimit),
			endpoints,
		};
	}

	/**
	 * Sections /person/enrich and the live endpoint refuse with a 403, and GET /account/endpoints
	 * lists as disabled: gatedSections, then on generation 2 the field-access sections
	 * (assessment, social_posts) not in grantedSections.
	 */
	function deniedSections() {
		const denied = (opts.gatedSections || []).slice();
		if (opts.apiGeneration === 2) {
			for (const section of dataset.FIELD_ACCESS_SECTIONS) {
				if (!opts.grantedSections.includes(section) && !denied.includes(section))
					denied.push(section);
			}
		}
		return denied;
	}

	/** The identifier part of a body, shared by every billable route: `{ ids, byEmail }`; throws HttpError. */
	function readIdentifiers(body, parsedOk) {
		if (!parsedOk || !body || typeof body !== 'object' || Array.isArray(body)) {
			throw badRequest('Request body must be a JSON object');
		}
		const given = ['professional_network_profile_urls', 'business_emails'].filter(
			(k) => body[k] !== undefined && body[k] !== null,
		);
		if (given.length !== 1) throw badRequest('Exactly one identifier type must be provided.');
		const idKey = given[0];
		const ids = body[idKey];
		if (!Array.isArray(ids) || ids.length === 0 || ids.some((v) => typeof v !== 'string')) {
			throw badRequest('Exactly one identifier type must be provided.');
		}
		if (ids.length > MAX_IDENTIFIERS)
			throw badRequest(`At most ${MAX_IDENTIFIERS} identifiers per request`);
		return { ids, byEmail: idKey === 'business_emails' };
	}

	/** 400 naming every malformed identifier (or none, with unnamedBadRequests). */
	function rejectBadIdentifiers(ids, byEmail) {
		const bad = byEmail
			? ids.filter((e) => !isBusinessEmail(e))
			: ids.filter((u) => !URL_RE.test(u));
		if (bad.length > 0) {
			if (opts.unnamedBadRequests)
				throw badRequest('Invalid request: one or more identifiers are invalid');
			throw badRequest(
				byEmail
					? `Invalid business emails: ${bad.join(', ')}`
					: `Invalid professional network profile URLs: ${bad.join(', ')}`,
			);
		}
	}

	/** In place, with the shuffle PRNG, when `shuffle` is on. */
	function maybeShuffle(entries) {
		if (!opts.shuffle) return;
		for (let i = entries.length - 1; i > 0; i--) {
			const j = Math.floor(shuffleRng() * (i + 1));
			[entries[i], entries[j]] = [entries[j], entries[i]];
		}
	}

	/**
	 * The `fields` of a /person/enrich (or live, or batch submit) body checked for the generation:
	 * the ones to project; throws HttpError. Generation 2 has no contact section: an unknown field
	 * (reject400), a 403 naming the entries (deny403), or left out of the answer (omit).
	 */
	function checkEnrichFields(requested, generation) {
		let fields = requested;
		let contactEntries = [];
		if (generation === 2 && opts.contactOnEnrich !== 'reject400') {
			contactEntries = fields.filter(isContactEntry);
			fields = fields.filter((f) => !isContactEntry(f));
		}
		const invalid = fields.filter((f) => !dataset.isValidField(f, generation));
		if (invalid.length > 0) {
			throw badRequest(`Invalid fields: ${invalid.join(', ')}`, {
				available_fields: dataset.validFieldPaths(generation),
			});
		}
		if (contactEntries.length > 0 && opts.contactOnEnrich === 'deny403') {
			throw new HttpError(
				403,
				'permission_error',
				`Access denied to fields: ${contactEntries.join(', ')}`,
				[{ denied_fields: contactEntries.slice() }],
			);
		}
		const gated = deniedSections();
		const gatedField = fields.find((f) => gated.includes(f.split('.')[0]));
		if (gatedField !== undefined) {
			throw new HttpError(
				403,
				'permission_error',
				`Access to field '${gatedField}' is not enabled for your API key`,
			);
		}
		return fields;
	}

	/** Validate the body and build the answer of /person/enrich or the live endpoint; throws HttpError. */
	function answer(body, parsedOk, live) {
		const { ids, byEmail } = readIdentifiers(body, parsedOk);
		const generation = opts.apiGeneration;
		if (byEmail && live)
			throw badRequest('Live enrich supports professional_network_profile_urls only');
		if (byEmail && !opts.emailLookupEnabled) {
			throw badRequest(
				'business_emails is not supported on this endpoint; use /person/contact/enrich',
			);
		}

		if (body.preview !== undefined && typeof body.preview !== 'boolean')
			throw badRequest('preview must be a boolean');
		const preview = body.preview === true;
		if (preview && !opts.previewEnabled)
			throw badRequest('Preview feature is not available for your account');

		let fields = ['basic_profile', 'social_handles'];
		if (body.fields !== undefined && body.fields !== null) {
			if (!Array.isArray(body.fields) || body.fields.some((f) => typeof f !== 'string')) {
				throw badRequest('fields must be an array of strings');
			}
			if (body.fields.length > 0) fields = body.fields;
		}
		fields = checkEnrichFields(fields, generation);

		let minScore = null;
		if (body.min_similarity_score !== undefined) {
			const v = body.min_similarity_score;
			if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
				throw badRequest('min_similarity_score must be a number between 0 and 1');
			}
			if (!byEmail) throw badRequest('min_similarity_score is only supported with business_emails');
			minScore = v;
		}

		rejectBadIdentifiers(ids, byEmail);

		// build the answer
		answered += 1;
		const withStatus = answered % 2 === 1;
		const tree = selectionTree(fields);
		const matchType = byEmail ? 'business_email' : 'professional_network_profile_url';
		const priceOf = generation === 2 ? creditsForGeneration2 : creditsFor;
		let credits = 0;
		let anyMatch = false;
		const entries = ids.map((id) => {
			const found = byEmail ? dataset.lookupByBusinessEmail(id) : dataset.lookupByProfileUrl(id);
			if (found.status === 'redacted') {
				return { matched_on: id, match_type: matchType, match_status: 'redacted', matches: [] };
			}
			let candidates = found.candidates;
			if (minScore !== null) candidates = candidates.filter((c) => c.confidence_score >= minScore);
			const matches = candidates.map((c) => ({
				confidence_score: c.confidence_score,
				person_data: preview ? previewPerson(c.person) : projectPerson(c.person, tree),
			}));
			if (matches.length > 0) {
				anyMatch = true;
				if (!preview) {
					let best = matches[0];
					for (const m of matches) if (m.confidence_score > best.confidence_score) best = m;
					credits += live ? 7 : priceOf(best.person_data);
				}
			}
			const out = { matched_on: id, match_type: matchType };
			if (withStatus) out.match_status = matches.length > 0 ? 'matched' : 'not_found';
			out.matches = matches;
			return out;
		});

		if (!anyMatch && opts.notFoundAs404) {
			throw new HttpError(404, 'not_found', 'No data found for the given identifiers');
		}
		maybeShuffle(entries);
		const faults = (opts.hostile && opts.hostile.entryFaults) || [];
		if (faults.length === 0) return { status: 200, body: entries, credits };
		// billed as answered above; the faults only mangle what goes back
		if (faults.includes('foreignEntry')) {
			const foreign = foreignPerson(ids, byEmail);
			const out = { matched_on: foreign.id, match_type: matchType };
			if (withStatus) out.match_status = 'matched';
			out.matches = [
				{
					confidence_score: foreign.candidate.confidence_score,
					person_data: preview
						? previewPerson(foreign.candidate.person)
						: projectPerson(foreign.candidate.person, tree),
				},
			];
			entries.push(out);
		}
		// on the first entry, in this order, so that combined faults all show where they can
		if (faults.includes('nullMatch')) entries[0].matches.push(null);
		if (faults.includes('matchesNotList')) entries[0].matches = 'none';
		if (faults.includes('nullEntry')) entries[0] = null;
		return { status: 200, body: entries, credits, mangled: true };
	}

	/**
	 * hostile.entryFaults 'foreignEntry': a dataset person the request did not ask for, by an
	 * identifier of the same kind (foreign-person-1, -2 … or foreign.person@, foreign.person2@ …
	 * at retool.com, the first that is neither sent nor the same person as one sent).
	 */
	function foreignPerson(ids, byEmail) {
		const lookup = byEmail ? dataset.lookupByBusinessEmail : dataset.lookupByProfileUrl;
		const sent = new Set(ids.map((id) => id.toLowerCase().replace(/\/+$/, '')));
		const people = new Set();
		for (const id of ids) {
			for (const c of lookup(id).candidates || []) people.add(c.person.crustdata_person_id);
		}
		for (let n = 1; ; n++) {
			const id = byEmail
				? `foreign.person${n === 1 ? '' : n}@retool.com`
				: `https://www.linkedin.com/in/foreign-person-${n}`;
			const [candidate] = lookup(id).candidates || [];
			if (!sent.has(id) && candidate && !people.has(candidate.person.crustdata_person_id)) {
				return { id, candidate };
			}
		}
	}

	/** Validate the body and build the answer of POST /person/contact/enrich (generation 2); throws HttpError. */
	function answerContact(body, parsedOk) {
		const { ids, byEmail } = readIdentifiers(body, parsedOk);
		const available = dataset.CONTACT_FIELDS;
		let tiers = available.slice(); // omitted fields: every tier, the most expensive request
		if (body.fields !== undefined && body.fields !== null) {
			if (!Array.isArray(body.fields) || body.fields.some((f) => typeof f !== 'string')) {
				throw badRequest('fields must be an array of strings');
			}
			if (body.fields.length > 0) {
				const invalid = body.fields.filter((f) => !available.includes(f));
				if (invalid.length > 0) {
					throw badRequest(`Invalid fields: ${invalid.join(', ')}`, {
						available_fields: available.slice(),
					});
				}
				tiers = available.filter((f) => body.fields.includes(f));
			}
		}
		if (body.verified !== undefined && typeof body.verified !== 'boolean')
			throw badRequest('verified must be a boolean');
		const verified = body.verified === true;

		rejectBadIdentifiers(ids, byEmail);

		const matchType = byEmail ? 'business_email' : 'professional_network_profile_url';
		let credits = 0;
		const entries = ids.map((id) => {
			const found = byEmail ? dataset.lookupByBusinessEmail(id) : dataset.lookupByProfileUrl(id);
			if (found.status === 'redacted') {
				return { matched_on: id, match_type: matchType, match_status: 'redacted', matches: [] };
			}
			const matches = found.candidates.map((c) => ({
				confidence_score: c.confidence_score,
				person_data: {
					crustdata_person_id: c.person.crustdata_person_id,
					contact: contactTiers(c.person, tiers, verified),
				},
			}));
			if (matches.length > 0) {
				let best = matches[0];
				for (const m of matches) if (m.confidence_score > best.confidence_score) best = m;
				credits += contactCredits(best.person_data.contact, verified);
			}
			return { matched_on: id, match_type: matchType, matches };
		});
		maybeShuffle(entries);
		return { status: 200, body: entries, credits };
	}

	/* ---- server ---- */
	const onRequest = (req, res) => {
		handle(req, res).catch((err) => {
			// unexpected bug in the sandbox: answer 500 so the test sees it
			if (!res.headersSent && !res.destroyed) {
				const body = errorBody('internal_error', `Sandbox bug: ${err && err.message}`);
				const entry = requestOf.get(req);
				if (entry && entry.status === null) Object.assign(entry, { status: 500, answer: { body, headers: {} } });
				send(res, 500, body);
			}
		});
	};
	// https with the caller's key and certificate: a TLS endpoint for tests of certificate checks
	const server = tls
		? https.createServer({ key: tls.key, cert: tls.cert }, onRequest)
		: http.createServer(onRequest);
	server.keepAliveTimeout = 5000;
	const closeServer = closableServer(server, { tls: Boolean(tls) });

	// batch jobs, and the second origin that serves their result files (an imitation of S3's
	// pre-signed links: another host, so a client must not send the key there)
	const batch = batchJobs.createBatchJobs({
		options: () => opts,
		HttpError,
		errorBody,
		checkFields: (fields, generation) => checkEnrichFields(fields, generation),
		isWellFormed: (id, byEmail) => (byEmail ? isBusinessEmail(id) : URL_RE.test(id)),
		project: (person, fields) => projectPerson(person, selectionTree(fields)),
		priceOf: (personData, generation) =>
			generation === 2 ? creditsForGeneration2(personData) : creditsFor(personData),
		// the contact batch serves what /person/contact/enrich serves (never verified), at its price
		contactOf: (person, tiers) => contactTiers(person, tiers, false),
		contactPriceOf: (contact) => contactCredits(contact, false),
		bill: (credits) => {
			creditsUsed += credits;
		},
		creditsUsed: () => creditsUsed,
		resultsOrigin: () => api.resultsUrl,
	});
	const resultsServer = http.createServer(batch.serveDownload);
	resultsServer.keepAliveTimeout = 5000;
	const closeResultsServer = closableServer(resultsServer);

	const api = {
		url: '',
		port: 0,
		resultsUrl: '',
		get apiKey() {
			return opts.apiKey;
		},
		get options() {
			return publicOptions(opts, forced, batch.pendingFaults());
		},
		get creditsUsed() {
			return creditsUsed;
		},
		requests,
		downloads: batch.downloads,
		webhooks: batch.webhooks,
		configure(partial) {
			const before = opts.seed;
			opts = mergeOptions(opts, partial);
			if (partial && Array.isArray(partial.forcedResponses))
				forced = partial.forcedResponses.slice();
			if (partial && partial.batchFaults !== undefined) batch.setFaults(opts.batchFaults);
			if (opts.seed !== before) reseed();
		},
		onReset(listener) {
			resetListeners.push(listener);
		},
		reset() {
			for (const listener of resetListeners) listener(requests);
			requests.length = 0;
			endpointHits.clear();
			tokenHits.length = 0;
			accountHits.length = 0;
			creditsUsed = 0;
			answered = 0;
			forced = [];
			batch.reset();
			reseed();
		},
		close() {
			for (const t of timers) clearTimeout(t);
			timers.clear();
			batch.close();
			return Promise.all([closeServer(), closeResultsServer()]).then(() => undefined);
		},
	};

	/** Listens on 127.0.0.1; resolves to the port. */
	const listen = (srv, port) =>
		new Promise((resolve, reject) => {
			srv.once('error', reject);
			srv.listen(port, '127.0.0.1', () => {
				srv.removeListener('error', reject);
				resolve(srv.address().port);
			});
		});

	return listen(server, options.port ?? 0).then(async (port) => {
		api.port = port;
		api.url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
		let resultsPort;
		try {
			resultsPort = await listen(resultsServer, 0);
		} catch (err) {
			await new Promise((resolve) => server.close(() => resolve()));
			throw err;
		}
		// plain http even when the API is served over TLS: the links are the results host's own
		api.resultsUrl = `http://127.0.0.1:${resultsPort}`;
		// the other workflows' jobs of startSandbox({ batchFaults: { otherJobs } })
		batch.setFaults(opts.batchFaults);
		return api;
	});
}

function isBusinessEmail(e) {
	if (typeof e !== 'string' || !EMAIL_RE.test(e)) return false;
	const domain = e.slice(e.lastIndexOf('@') + 1).toLowerCase();
	if (NON_BUSINESS_TLDS.some((t) => domain.endsWith(t))) return false;
	return !FREE_MAIL.has(domain);
}

module.exports = { startSandbox, DEFAULT_SANDBOX_KEY, DEFAULT_OPTIONS };
