'use strict';
/*
 * Crustdata's async batch jobs, for the sandbox: POST /batch/person/enrich, on generation 2
 * POST /batch/person/contact/enrich, GET /batch/{batch_id}, GET /batch, and the results origin
 * that serves a job's files behind pre-signed links, as S3 does. Written from crustdata-api-notes.md ("Async batch jobs") and Crustdata's batch API
 * reference; what neither says is an assumption, named in README.md ("Batch jobs").
 * server.js routes to it, owns both servers and passes in what the synchronous routes share
 * (field checks, prices, projection, contact data). CommonJS, Node 20, node: built-ins only.
 */

const crypto = require('node:crypto');
const http = require('node:http');
const https = require('node:https');
const zlib = require('node:zlib');
const dataset = require('./dataset');
const {
	BATCH_CONTACT_FIELDS,
	BATCH_CONTACT_PATH,
	BATCH_CONTACT_TIERS,
	BATCH_ENRICH_PATH,
} = require('./endpointCatalogue');

const BATCH_LIST_PATH = '/batch';
const BATCH_STATUS_PREFIX = '/batch/';
const MAX_BATCH_IDENTIFIERS = 10000;
const MAX_CONTACT_BATCH_IDENTIFIERS = 300;
const MIN_CHUNK_SIZE = 10;
const MAX_CHUNK_SIZE = 1000;
const DEFAULT_CHUNK_SIZE = 100;
const LIST_DEFAULT_LIMIT = 20;
const LIST_MAX_LIMIT = 100;
/** Pre-signed links are valid for 5 days (the notes). */
const LINK_EXPIRES_SECONDS = 5 * 24 * 60 * 60;
const WEBHOOK_TIMEOUT_MS = 5000;
const IDENTIFIER_KEYS = Object.freeze(['professional_network_profile_urls', 'business_emails']);
/** Sections every record carries, whatever `fields` asked for (the notes: requested fields come in addition). */
const DEFAULT_SECTIONS = Object.freeze(['basic_profile', 'social_handles']);
const JOB_STATUSES = Object.freeze(['pending', 'processing', 'completed', 'failed']);

/**
 * The two submit routes. `keys`: every body key it takes (anything else, min_similarity_score,
 * preview, verified …, is a 400); `identifierKeys`: the identifier types among them. The action
 * of a contact job is not documented: 'contact_enrich' is assumed (README.md).
 */
const ENRICH_KIND = Object.freeze({
	path: BATCH_ENRICH_PATH,
	action: 'enrich',
	identifierKeys: IDENTIFIER_KEYS,
	keys: Object.freeze([...IDENTIFIER_KEYS, 'fields', 'chunk_size', 'webhook_url']),
	maxIdentifiers: MAX_BATCH_IDENTIFIERS,
	contact: false,
});
const CONTACT_KIND = Object.freeze({
	path: BATCH_CONTACT_PATH,
	action: 'contact_enrich',
	identifierKeys: Object.freeze(['professional_network_profile_urls']),
	keys: Object.freeze(['professional_network_profile_urls', 'fields', 'webhook_url']),
	maxIdentifiers: MAX_CONTACT_BATCH_IDENTIFIERS,
	contact: true,
});
const KINDS = Object.freeze([ENRICH_KIND, CONTACT_KIND]);

/** How a contact job's lines look: the documented envelope, or the bare `data` one live client saw. */
const CONTACT_RECORD_SHAPES = Object.freeze(['envelope', 'bare']);
const SCHEDULE_KEYS = Object.freeze(['pendingMs', 'processingMs', 'perIdentifierMs', 'partRecords', 'maxActive']);
/** Whole numbers of at least 1; the other schedule keys are ms of 0 or more. */
const WHOLE_SCHEDULE_KEYS = Object.freeze(['partRecords', 'maxActive']);
const BATCH_KEYS = Object.freeze([...SCHEDULE_KEYS, 'contactRecords']);
const DEFAULT_BATCH = Object.freeze({
	pendingMs: 20,
	processingMs: 80,
	perIdentifierMs: 0,
	partRecords: 1000,
	maxActive: 5,
	contactRecords: 'envelope',
});

const SUBMIT_FAULTS = Object.freeze([
	'dropAfterCreate',
	'error502AfterCreate',
	'hangAfterCreate',
	'error500BeforeCreate',
]);
const STATUS_FAULTS = Object.freeze([500, 502, 'drop', 'hang']);
const RESULT_FAULTS = Object.freeze(['truncate', 'garbage', 'plain', 'contentEncoding']);
const FAULT_KEYS = Object.freeze(['failJobs', 'submit', 'listDelayMs', 'status', 'results', 'otherJobs']);
const DEFAULT_BATCH_FAULTS = Object.freeze({
	failJobs: Object.freeze([]),
	submit: Object.freeze([]),
	listDelayMs: 0,
	status: Object.freeze([]),
	results: null,
	otherJobs: Object.freeze([]),
});

/** What a gateway in front of the API answers when the API behind it is cut off. */
const GATEWAY_502 =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
const TWO_AUTH_MESSAGE =
	'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified';

/* ------------------------------------------------------------------ options */

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNonNegative = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * The job schedule and the contact records' shape (option `batch`): a partial object merges with
 * the current one, a null key or `batch: null` goes back to the default; nonsense is a
 * TypeError, so a typo cannot silently leave a test on the default schedule.
 */
function normalizeBatch(value, current) {
	if (value === undefined) return current;
	if (value === null) return { ...DEFAULT_BATCH };
	if (!isPlainObject(value)) throw new TypeError(`batch must be null or an object, got ${JSON.stringify(value)}`);
	const out = { ...(current || DEFAULT_BATCH) };
	for (const key of Object.keys(value)) {
		if (!BATCH_KEYS.includes(key)) {
			throw new TypeError(`batch has no key ${JSON.stringify(key)} (known: ${BATCH_KEYS.join(', ')})`);
		}
		const v = value[key];
		if (v === null || v === undefined) {
			out[key] = DEFAULT_BATCH[key];
			continue;
		}
		if (key === 'contactRecords') {
			if (!CONTACT_RECORD_SHAPES.includes(v)) {
				throw new TypeError(`batch.contactRecords must be 'envelope' or 'bare', got ${JSON.stringify(v)}`);
			}
			out[key] = v;
			continue;
		}
		const whole = WHOLE_SCHEDULE_KEYS.includes(key);
		if (!isNonNegative(v) || (whole && (!Number.isInteger(v) || v < 1))) {
			throw new TypeError(
				`batch.${key} must be ${whole ? 'a whole number of 1 or more' : 'a number of 0 or more'}, got ${JSON.stringify(v)}`,
			);
		}
		out[key] = v;
	}
	return out;
}

/** Fresh, empty fault state. */
const noFaults = () => ({ failJobs: [], submit: [], listDelayMs: 0, status: [], results: null, otherJobs: [] });

/** An array whose every entry passes `ok`, copied; anything else is a TypeError naming the key. */
function listOf(value, key, ok, what) {
	if (value === null || value === undefined) return [];
	if (!Array.isArray(value) || !value.every(ok)) {
		throw new TypeError(`batchFaults.${key} must be an array of ${what}, got ${JSON.stringify(value)}`);
	}
	return value.slice();
}

/**
 * Option `batchFaults`, as a fresh copy: configure() replaces the whole object (null: none); an
 * unknown key or a wrong value is a TypeError (400 on POST /__sandbox/configure).
 */
function normalizeBatchFaults(value) {
	if (value === null) return noFaults();
	if (!isPlainObject(value)) {
		throw new TypeError(`batchFaults must be null or an object, got ${JSON.stringify(value)}`);
	}
	const out = noFaults();
	for (const key of Object.keys(value)) {
		if (!FAULT_KEYS.includes(key)) {
			throw new TypeError(`batchFaults has no key ${JSON.stringify(key)} (known: ${FAULT_KEYS.join(', ')})`);
		}
	}
	// a null entry lets its job through, so a test can fail the second job of a run and not the first
	out.failJobs = listOf(
		value.failJobs,
		'failJobs',
		(f) => f === null || (isPlainObject(f) && typeof f.error_message === 'string' && f.error_message !== ''),
		'{ error_message: <non-empty string> } or null',
	).map((f) => f && { error_message: f.error_message });
	out.submit = listOf(value.submit, 'submit', (f) => SUBMIT_FAULTS.includes(f), SUBMIT_FAULTS.map((f) => `'${f}'`).join(', '));
	out.status = listOf(value.status, 'status', (f) => STATUS_FAULTS.includes(f), "500, 502, 'drop', 'hang'");
	if (value.listDelayMs !== undefined && value.listDelayMs !== null) {
		if (!isNonNegative(value.listDelayMs)) {
			throw new TypeError(`batchFaults.listDelayMs must be a number of 0 or more, got ${JSON.stringify(value.listDelayMs)}`);
		}
		out.listDelayMs = value.listDelayMs;
	}
	if (value.results !== undefined && value.results !== null) {
		if (!RESULT_FAULTS.includes(value.results)) {
			throw new TypeError(
				`batchFaults.results must be null or one of ${RESULT_FAULTS.map((f) => `'${f}'`).join(', ')}, got ${JSON.stringify(value.results)}`,
			);
		}
		out.results = value.results;
	}
	out.otherJobs = listOf(
		value.otherJobs,
		'otherJobs',
		(o) =>
			isPlainObject(o) &&
			Number.isInteger(o.identifierCount) &&
			o.identifierCount >= 1 &&
			o.identifierCount <= MAX_BATCH_IDENTIFIERS &&
			isNonNegative(o.runMs) &&
			(o.createdAgoMs === undefined || o.createdAgoMs === null || isNonNegative(o.createdAgoMs)),
		'{ identifierCount: 1..10000, runMs: >= 0, createdAgoMs?: >= 0 }',
	).map((o) => ({ identifierCount: o.identifierCount, runMs: o.runMs, createdAgoMs: o.createdAgoMs || 0 }));
	return out;
}

/** A copy of fault state built from literals (jest tells other realms' objects apart). */
function copyFaults(faults) {
	return {
		failJobs: faults.failJobs.map((f) => f && { ...f }),
		submit: faults.submit.slice(),
		listDelayMs: faults.listDelayMs,
		status: faults.status.slice(),
		results: faults.results,
		otherJobs: faults.otherJobs.map((o) => ({ ...o })),
	};
}

/* ------------------------------------------------------------------ requests */

/**
 * An identifier or field list as the API takes it: an array of strings, or one comma-separated
 * string (pieces trimmed, empty ones dropped); null for anything else.
 */
function commaList(value) {
	if (typeof value === 'string') {
		return value
			.split(',')
			.map((s) => s.trim())
			.filter((s) => s !== '');
	}
	if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.slice();
	return null;
}

/** How many identifiers a submit body carries (for the request log), 0 when it is not readable. */
function countIdentifiers(body) {
	if (!isPlainObject(body)) return 0;
	for (const key of IDENTIFIER_KEYS) {
		const ids = body[key] === undefined || body[key] === null ? null : commaList(body[key]);
		if (ids) return ids.length;
	}
	return 0;
}

const kindOf = (path) => KINDS.find((kind) => kind.path === path);

/** Which batch route a request is: 'submit' (either kind), 'status', 'list' or null. */
function batchRoute(method, path) {
	if (method === 'POST' && kindOf(path)) return 'submit';
	if (method === 'GET' && path === BATCH_LIST_PATH) return 'list';
	if (method === 'GET' && path.startsWith(BATCH_STATUS_PREFIX)) {
		const id = path.slice(BATCH_STATUS_PREFIX.length);
		if (id !== '' && !id.includes('/')) return 'status';
	}
	return null;
}

/** The batch_id of a status path, decoded (a malformed escape stays as sent). */
function batchIdOf(path) {
	const raw = path.slice(BATCH_STATUS_PREFIX.length);
	try {
		return decodeURIComponent(raw);
	} catch {
		return raw;
	}
}

/** S3's error document. */
function s3Error(code, message) {
	const requestId = crypto.randomBytes(8).toString('hex').toUpperCase();
	return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`;
}

/** X-Amz-Date's format: 20260712T101500Z. */
const amzDate = (ms) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const fromAmzDate = (s) => {
	const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
	return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
};
const partName = (n) => `part-${String(n).padStart(4, '0')}.jsonl.gz`;
const MERGED_NAME = 'results.jsonl.gz';

/* ------------------------------------------------------------------ the jobs */

/**
 * The batch side of one sandbox. `ctx` gives what the synchronous routes share:
 * `options()` (the sandbox's current options), `HttpError`, `errorBody`,
 * `checkFields(fields, generation)` (the fields to project, or throws HttpError as
 * /person/enrich does), `isWellFormed(id, byEmail)`, `project(person, fields)`,
 * `priceOf(personData, generation)`, `contactOf(person, tiers)` (person_data.contact of
 * /person/contact/enrich for those contact.* tiers), `contactPriceOf(contact)` (its price),
 * `bill(credits)`, `creditsUsed()`, `resultsOrigin()`.
 */
function createBatchJobs(ctx) {
	const { HttpError, errorBody } = ctx;
	const badRequest = (message, metadata) => new HttpError(400, 'invalid_request', message, metadata);
	/** An HttpError as an answer. */
	const fail = (err) => ({ status: err.status, body: err.body });
	const jobs = new Map(); // batch_id → job, in creation order
	const downloads = []; // every request to the results origin
	const webhooks = []; // every callback sent
	const timers = new Set();
	const calls = new Set(); // webhook requests in flight
	// signs the result links; a fresh one per sandbox, so a link of another run never verifies
	const signingKey = crypto.randomBytes(32);
	let created = 0;
	let faults = noFaults();

	function later(ms, fn) {
		const t = setTimeout(() => {
			timers.delete(t);
			fn();
		}, Math.max(0, ms));
		timers.add(t);
	}

	/* ---- job state ---- */

	function statusOf(job, now) {
		if (job.finished) return job.finished;
		return now < job.pendingUntil ? 'pending' : 'processing';
	}

	const activeCount = () => [...jobs.values()].filter((j) => !j.finished).length;

	function sign(path, date, expires) {
		return crypto.createHmac('sha256', signingKey).update(`${path}\n${date}\n${expires}`).digest('hex');
	}

	/** A pre-signed-looking link to one of the job's files on the results origin. */
	function link(job, name) {
		const path = `/results/${job.id}/${name}`;
		const date = amzDate(job.completedAt);
		const expires = String(LINK_EXPIRES_SECONDS);
		const query = new URLSearchParams({
			'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
			'X-Amz-Date': date,
			'X-Amz-Expires': expires,
			'X-Amz-SignedHeaders': 'host',
			'X-Amz-Signature': sign(path, date, expires),
		});
		return `${ctx.resultsOrigin()}${path}?${query}`;
	}

	/** GET /batch/{batch_id}'s answer; `withLinks` false for the list, whose documented jobs carry none. */
	function statusBody(job, now, withLinks) {
		const status = statusOf(job, now);
		const out = {
			batch_id: job.id,
			status,
			entity: 'person',
			action: job.kind.action,
			identifier_count: job.identifierCount,
			result_count: job.resultCount,
			entities_requested: job.identifierCount,
			entities_fulfilled: job.resultCount,
			created_at: new Date(job.createdAt).toISOString(),
		};
		if (job.finished) out.completed_at = new Date(job.completedAt).toISOString();
		if (status === 'completed' && withLinks) {
			out.download_url = link(job, MERGED_NAME);
			// a job with no records names one part too, a file that was never written (404)
			out.download_urls = Array.from({ length: Math.max(1, job.partCount) }, (_, i) => link(job, partName(i + 1)));
		}
		if (status === 'failed') out.error_message = job.failWith;
		return out;
	}

	/**
	 * A new job, with its completion scheduled; `fields` (sections, or contact.* tiers for a
	 * contact job) null for another workflow's job.
	 */
	function addJob(spec) {
		const now = Date.now();
		created += 1;
		const job = {
			id: crypto.randomUUID(),
			seq: created,
			createdAt: spec.createdAt === undefined ? now : spec.createdAt,
			other: spec.other === true,
			kind: spec.kind,
			bareRecords: spec.bareRecords === true,
			generation: spec.generation,
			byEmail: spec.byEmail,
			identifiers: spec.identifiers,
			identifierCount: spec.identifierCount,
			fields: spec.fields,
			webhookUrl: spec.webhookUrl || null,
			chunkSize: spec.chunkSize,
			partRecords: spec.partRecords,
			failWith: spec.failWith || null,
			pendingUntil: now + spec.pendingMs,
			doneAt: now + spec.runMs,
			listableAt: now + (spec.listDelayMs || 0),
			entry: spec.entry || null,
			finished: null,
			completedAt: null,
			resultCount: 0,
			partCount: 0,
			files: new Map(),
		};
		jobs.set(job.id, job);
		later(spec.runMs, () => finish(job));
		return job;
	}

	/** Processing ends: the records are made, billed and written, or the job fails; then the callback. */
	function finish(job) {
		if (jobs.get(job.id) !== job || job.finished) return;
		job.completedAt = Date.now();
		if (job.failWith !== null) job.finished = 'failed';
		else {
			if (!job.other) writeResults(job);
			job.finished = 'completed';
		}
		if (job.webhookUrl) callBack(job);
	}

	/** The dataset's person an identifier finds (an email's best-scored candidate); null for none or redacted. */
	function bestMatch(id, byEmail) {
		const found = byEmail ? dataset.lookupByBusinessEmail(id) : dataset.lookupByProfileUrl(id);
		if (found.status === 'redacted' || found.candidates.length === 0) return null;
		let best = found.candidates[0];
		for (const c of found.candidates) if (c.confidence_score > best.confidence_score) best = c;
		return best.person;
	}

	/** An enrich record's data: the synchronous person_data with the default sections, at /person/enrich's price. */
	function enrichData(job, person) {
		const data = ctx.project(person, [...DEFAULT_SECTIONS, ...job.fields]);
		return { data, credits: ctx.priceOf(data, job.generation) };
	}

	/**
	 * A contact record's data (the notes' shape): /person/contact/enrich's tiers for the person,
	 * only the requested parts, emails as `{ email, status }`; priced per tier delivered.
	 */
	function contactData(job, person) {
		const contact = ctx.contactOf(person, job.fields);
		const emails = (list) => list.map((e) => ({ email: e.email, status: e.status }));
		const data = {
			professional_network_url: person.social_handles.professional_network_identifier.profile_url,
			person_id: person.crustdata_person_id,
		};
		if (contact.business_emails) data.business_email = emails(contact.business_emails);
		if (contact.personal_emails || contact.phone_numbers) {
			const personal = {};
			if (contact.personal_emails) personal.personal_emails = emails(contact.personal_emails);
			if (contact.phone_numbers) personal.phone_numbers = contact.phone_numbers.slice();
			data.personal_contact_info = personal;
		}
		return { data, credits: ctx.contactPriceOf(contact) };
	}

	/**
	 * One record per identifier that matched (duplicates each time), in the order sent; no match,
	 * redacted and malformed identifiers are left out. Billed as the synchronous route bills a match.
	 */
	function writeResults(job) {
		const lines = [];
		let credits = 0;
		for (const id of job.identifiers) {
			if (!ctx.isWellFormed(id, job.byEmail)) continue;
			const person = bestMatch(id, job.byEmail);
			if (!person) continue;
			const made = job.kind.contact ? contactData(job, person) : enrichData(job, person);
			credits += made.credits;
			const record = job.bareRecords
				? made.data
				: { original_identifier: id, internal_id: person.crustdata_person_id, data: made.data };
			lines.push(`${JSON.stringify(record)}\n`);
		}
		job.resultCount = lines.length;
		if (lines.length > 0) {
			job.files.set(MERGED_NAME, zlib.gzipSync(lines.join('')));
			for (let i = 0; i < lines.length; i += job.partRecords) {
				job.partCount += 1;
				job.files.set(partName(job.partCount), zlib.gzipSync(lines.slice(i, i + job.partRecords).join('')));
			}
		}
		ctx.bill(credits);
		if (job.entry) job.entry.creditsUsed = credits;
	}

	/** The webhook: a POST of `{ batch_id, status }`, no key, errors ignored (only logged). */
	function callBack(job) {
		const body = { batch_id: job.id, status: job.finished };
		const record = { at: Date.now(), url: job.webhookUrl, body, status: null };
		webhooks.push(record);
		let target;
		try {
			target = new URL(job.webhookUrl);
		} catch {
			record.status = 'error';
			return;
		}
		const payload = Buffer.from(JSON.stringify(body));
		const client = target.protocol === 'https:' ? https : http;
		const req = client.request(target, {
			method: 'POST',
			agent: false,
			rejectUnauthorized: false,
			headers: { 'content-type': 'application/json', 'content-length': String(payload.length) },
		});
		calls.add(req);
		req.setTimeout(WEBHOOK_TIMEOUT_MS, () => req.destroy());
		req.on('response', (res) => {
			record.status = res.statusCode;
			res.resume();
		});
		req.on('error', () => {
			if (record.status === null) record.status = 'error';
		});
		req.on('close', () => calls.delete(req));
		req.end(payload);
	}

	/* ---- POST /batch/person/enrich and /batch/person/contact/enrich ---- */

	/**
	 * The contact.* tiers a contact submit's `fields` ask for, in the API's order; throws
	 * HttpError. Required: a job that asked for nothing would have nothing to deliver.
	 */
	function contactTiersOf(list) {
		if (!list || list.length === 0) {
			throw badRequest(`fields is required: one or more of ${BATCH_CONTACT_FIELDS.join(', ')}`, {
				available_fields: BATCH_CONTACT_FIELDS.slice(),
			});
		}
		const invalid = list.filter((f) => !BATCH_CONTACT_FIELDS.includes(f));
		if (invalid.length > 0) {
			throw badRequest(`Invalid fields: ${invalid.join(', ')}`, { available_fields: BATCH_CONTACT_FIELDS.slice() });
		}
		const tiers = new Set(list.flatMap((f) => BATCH_CONTACT_TIERS[f]));
		return dataset.CONTACT_FIELDS.filter((tier) => tiers.has(tier));
	}

	/** A submit body of that kind, checked; throws HttpError. */
	function readSubmit(kind, body, parsedOk, generation) {
		if (!parsedOk || !isPlainObject(body)) throw badRequest('Request body must be a JSON object');
		const unsupported = Object.keys(body).filter((k) => !kind.keys.includes(k) && !IDENTIFIER_KEYS.includes(k));
		if (unsupported.length > 0) {
			throw badRequest(`Unsupported parameters for batch jobs: ${unsupported.join(', ')}`);
		}
		const given = IDENTIFIER_KEYS.filter((k) => body[k] !== undefined && body[k] !== null);
		const foreign = given.filter((k) => !kind.identifierKeys.includes(k));
		if (foreign.length > 0) {
			throw badRequest(`${kind.path} takes ${kind.identifierKeys.join(', ')} only, not ${foreign.join(', ')}`);
		}
		if (given.length !== 1) throw badRequest('Exactly one identifier type must be provided.');
		const ids = commaList(body[given[0]]);
		if (!ids || ids.length === 0) throw badRequest('Exactly one identifier type must be provided.');
		if (ids.length > kind.maxIdentifiers) {
			throw badRequest(`At most ${kind.maxIdentifiers.toLocaleString('en-US')} identifiers per batch job`);
		}
		let list = null;
		if (body.fields !== undefined && body.fields !== null) {
			list = commaList(body.fields);
			if (!list) throw badRequest('fields must be an array of strings');
		}
		let fields;
		if (kind.contact) fields = contactTiersOf(list);
		else fields = list ? ctx.checkFields(list, generation) : [];
		let chunkSize = DEFAULT_CHUNK_SIZE;
		if (body.chunk_size !== undefined && body.chunk_size !== null) {
			const v = body.chunk_size;
			if (!Number.isInteger(v) || v < MIN_CHUNK_SIZE || v > MAX_CHUNK_SIZE) {
				throw badRequest(`chunk_size must be between ${MIN_CHUNK_SIZE} and ${MAX_CHUNK_SIZE}`);
			}
			chunkSize = v;
		}
		let webhookUrl = null;
		if (body.webhook_url !== undefined && body.webhook_url !== null) {
			let ok = typeof body.webhook_url === 'string';
			if (ok) {
				try {
					ok = ['http:', 'https:'].includes(new URL(body.webhook_url).protocol);
				} catch {
					ok = false;
				}
			}
			if (!ok) throw badRequest('webhook_url must be an absolute http or https URL');
			webhookUrl = body.webhook_url;
		}
		return { ids, byEmail: given[0] === 'business_emails', fields, chunkSize, webhookUrl };
	}

	function submit(kind, body, parsedOk, entry) {
		const opts = ctx.options();
		const budget = opts.creditBudget;
		if (budget !== null && budget !== undefined && ctx.creditsUsed() >= budget) {
			return fail(new HttpError(402, 'insufficient_credits', 'Insufficient credits. Please top up your account.'));
		}
		// generation 1: the contact batch is refused as /person/contact/enrich is there (a plan matter)
		if (opts.disabledEndpoints.includes(kind.path) || (kind.contact && opts.apiGeneration !== 2)) {
			return fail(
				new HttpError(403, 'permission_error', `Your plan does not include ${kind.path}. Contact Crustdata to upgrade.`),
			);
		}
		let request;
		try {
			request = readSubmit(kind, body, parsedOk, opts.apiGeneration);
		} catch (err) {
			if (err instanceof HttpError) return fail(err);
			throw err;
		}
		const schedule = opts.batch;
		if (activeCount() >= schedule.maxActive) {
			return fail(
				new HttpError(
					429,
					'rate_limit_exceeded',
					`Too many active batch jobs: at most ${schedule.maxActive} may be pending or processing at a time`,
				),
			);
		}
		// a fault waits for a submit the API would accept: only that one can create a job
		const fault = faults.submit.shift();
		if (fault === 'error500BeforeCreate') return fail(new HttpError(500, 'internal_error', 'Internal server error'));
		const failure = faults.failJobs.shift();
		const count = request.ids.length;
		const job = addJob({
			kind,
			bareRecords: kind.contact && schedule.contactRecords === 'bare',
			generation: opts.apiGeneration,
			byEmail: request.byEmail,
			identifiers: request.ids,
			identifierCount: count,
			fields: request.fields,
			webhookUrl: request.webhookUrl,
			chunkSize: request.chunkSize,
			partRecords: schedule.partRecords,
			failWith: failure ? failure.error_message : null,
			pendingMs: schedule.pendingMs,
			runMs: schedule.pendingMs + schedule.processingMs + schedule.perIdentifierMs * count,
			// only a job whose answer was lost is late to the list: the fault imitates a lagging read
			listDelayMs: fault ? faults.listDelayMs : 0,
			entry,
		});
		const answer = {
			batch_id: job.id,
			status: 'pending',
			entity: 'person',
			action: kind.action,
			identifier_count: count,
			entities_requested: count,
			status_url: `${BATCH_STATUS_PREFIX}${job.id}`,
		};
		if (fault === 'dropAfterCreate') return { drop: true };
		if (fault === 'hangAfterCreate') return { hang: true };
		if (fault === 'error502AfterCreate') {
			return { status: 502, body: GATEWAY_502, headers: { 'content-type': 'text/html' }, scripted: true };
		}
		return { status: 200, body: answer };
	}

	/* ---- GET /batch/{batch_id} ---- */

	function status(path) {
		const fault = faults.status.shift();
		if (fault === 'drop') return { drop: true };
		if (fault === 'hang') return { hang: true };
		if (fault === 500) return fail(new HttpError(500, 'internal_error', 'Internal server error'));
		if (fault === 502) return { status: 502, body: GATEWAY_502, headers: { 'content-type': 'text/html' }, scripted: true };
		const id = batchIdOf(path);
		const job = jobs.get(id);
		if (!job) return { status: 404, body: errorBody('not_found', `Batch job ${id} not found`) };
		return { status: 200, body: statusBody(job, Date.now(), true) };
	}

	/* ---- GET /batch ---- */

	function list(search) {
		const now = Date.now();
		let limit = LIST_DEFAULT_LIMIT;
		if (search.get('limit')) {
			const raw = search.get('limit');
			if (!/^[+-]?\d+$/.test(raw.trim())) return fail(badRequest('limit must be an integer'));
			limit = Math.min(LIST_MAX_LIMIT, Math.max(1, Number(raw)));
		}
		const wanted = search.has('status') ? search.get('status') : null;
		if (wanted !== null && !JOB_STATUSES.includes(wanted)) {
			return fail(badRequest(`status must be one of ${JOB_STATUSES.join(', ')}`));
		}
		// newest first; equal times in creation order, newest first too
		const visible = [...jobs.values()]
			.filter((j) => now >= j.listableAt)
			.sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
		let after = visible;
		const cursor = search.get('cursor');
		if (cursor) {
			const at = visible.findIndex((j) => j.id === cursor);
			if (at < 0) return fail(badRequest('cursor does not name a batch job of this account'));
			after = visible.slice(at + 1);
		}
		const matching = wanted === null ? after : after.filter((j) => statusOf(j, now) === wanted);
		const page = matching.slice(0, limit);
		const hasMore = matching.length > page.length;
		return {
			status: 200,
			body: {
				jobs: page.map((j) => statusBody(j, now, false)),
				next_cursor: hasMore ? page[page.length - 1].id : null,
				has_more: hasMore,
			},
		};
	}

	/**
	 * The answer to a batch route, after server.js checked the key (and the version on submit):
	 * `{ status, body, headers?, scripted? }`, `{ drop: true }` or `{ hang: true }`.
	 */
	function answer(route, { path, search, body, parsedOk, entry }) {
		if (route === 'submit') return submit(kindOf(path), body, parsedOk, entry);
		if (route === 'status') return status(path);
		return list(search);
	}

	/* ---- the results origin ---- */

	/** Serves a job's files as S3 serves pre-signed objects: no Content-Encoding, so nothing inflates them. */
	function serveDownload(req, res) {
		const method = req.method || 'GET';
		const record = { at: Date.now(), method, url: req.url || '/', headers: { ...req.headers }, status: null };
		downloads.push(record);
		req.resume();
		const reply = (code, payload, headers) => {
			record.status = code;
			if (res.destroyed || res.writableEnded) return;
			res.writeHead(code, { ...headers, 'content-length': String(payload.length) });
			res.end(method === 'HEAD' ? undefined : payload);
		};
		const xml = (code, errorCode, message) =>
			reply(code, Buffer.from(s3Error(errorCode, message)), { 'content-type': 'application/xml' });

		// S3 refuses a second auth mechanism before it looks at anything else
		if (req.headers.authorization !== undefined) return xml(400, 'InvalidArgument', TWO_AUTH_MESSAGE);
		if (method !== 'GET' && method !== 'HEAD') {
			return xml(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
		}
		const url = new URL(record.url, 'http://results.invalid');
		const q = url.searchParams;
		const signature = q.get('X-Amz-Signature');
		const date = q.get('X-Amz-Date');
		const expires = q.get('X-Amz-Expires');
		if (!signature || !date || !expires) return xml(403, 'AccessDenied', 'Access Denied');
		const expected = Buffer.from(sign(url.pathname, date, expires));
		const given = Buffer.from(signature);
		if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
			return xml(
				403,
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
			);
		}
		if (!(Date.now() <= fromAmzDate(date) + Number(expires) * 1000)) {
			return xml(403, 'AccessDenied', 'Request has expired');
		}
		const m = /^\/results\/([^/]+)\/([^/]+)$/.exec(url.pathname);
		const job = m ? jobs.get(m[1]) : undefined;
		const file = job ? job.files.get(m[2]) : undefined;
		if (!file) return xml(404, 'NoSuchKey', 'The specified key does not exist.');
		const headers = {
			'content-type': 'application/octet-stream',
			etag: `"${crypto.createHash('md5').update(file).digest('hex')}"`,
			'accept-ranges': 'bytes',
		};
		const fault = faults.results;
		if (fault === 'truncate') return reply(200, file.subarray(0, Math.max(1, Math.floor(file.length / 2))), headers);
		if (fault === 'garbage') return reply(200, garbage(file.length), headers);
		if (fault === 'plain') return reply(200, zlib.gunzipSync(file), headers);
		if (fault === 'contentEncoding') return reply(200, file, { ...headers, 'content-encoding': 'gzip' });
		return reply(200, file, headers);
	}

	/** Bytes that are neither gzip (no 1f 8b) nor JSON lines: a zip header, then noise. */
	function garbage(length) {
		const out = Buffer.alloc(Math.max(16, length));
		out.set([0x50, 0x4b, 0x03, 0x04]);
		const rng = dataset.mulberry32(length);
		for (let i = 4; i < out.length; i++) out[i] = Math.floor(rng() * 256);
		return out;
	}

	/* ---- faults, reset, close ---- */

	/**
	 * configure({ batchFaults }): replaces the pending queues and the switches, and creates the
	 * other workflows' jobs at once (they hold slots for runMs).
	 */
	function setFaults(next) {
		faults = copyFaults(next);
		const schedule = ctx.options().batch;
		for (const other of faults.otherJobs) {
			addJob({
				kind: ENRICH_KIND,
				other: true,
				createdAt: Date.now() - other.createdAgoMs,
				identifierCount: other.identifierCount,
				fields: null,
				pendingMs: Math.min(schedule.pendingMs, other.runMs),
				runMs: other.runMs,
			});
		}
		faults.otherJobs = [];
	}

	/** Clears every job and both logs, and the fault queues; the switches (results, listDelayMs) stay. */
	function reset() {
		for (const t of timers) clearTimeout(t);
		timers.clear();
		for (const req of calls) req.destroy();
		calls.clear();
		jobs.clear();
		downloads.length = 0;
		webhooks.length = 0;
		faults.failJobs = [];
		faults.submit = [];
		faults.status = [];
	}

	function close() {
		reset();
	}

	return {
		answer,
		serveDownload,
		setFaults,
		pendingFaults: () => copyFaults(faults),
		activeCount,
		jobCount: () => jobs.size,
		downloads,
		webhooks,
		reset,
		close,
	};
}

module.exports = {
	createBatchJobs,
	normalizeBatch,
	normalizeBatchFaults,
	countIdentifiers,
	batchRoute,
	BATCH_ENRICH_PATH,
	BATCH_LIST_PATH,
	DEFAULT_BATCH,
	DEFAULT_BATCH_FAULTS,
	MAX_BATCH_IDENTIFIERS,
};
