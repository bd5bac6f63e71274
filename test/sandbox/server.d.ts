// Type declarations for test/sandbox/server.js (a plain CommonJS module).
// Keep free of `any` and of non-relative imports.

/** Default API key the sandbox accepts: `'sandbox-key'`. */
export declare const DEFAULT_SANDBOX_KEY: 'sandbox-key';

export interface SandboxRateLimit {
	/** Requests allowed in the sliding window (default 15). */
	limit: number;
	/** Window length in ms (default 60000). */
	windowMs: number;
}

/** A scripted answer for the next enrich request: `'drop'` destroys the socket without a response. */
export type SandboxForcedResponse =
	| 'drop'
	| {
			status: number;
			/** Objects are sent as JSON, strings as they are. */
			body?: unknown;
			/** Sent exactly (plus content-type: application/json unless given). No rate-limit headers are added. */
			headers?: Record<string, string>;
	  };

/**
 * What every GET /account/endpoints request gets instead of the real answer (after the auth and
 * x-api-version checks): `'drop'` destroys the socket, `'hang'` never answers (until close()),
 * an object is sent as given (body as JSON unless a string, plus content-type: application/json
 * unless given; no rate-limit headers added).
 */
export type SandboxAccountEndpointsAnswer =
	| 'drop'
	| 'hang'
	| {
			status: number;
			body?: unknown;
			headers?: Record<string, string>;
	  };

/** Which contract of the API the sandbox imitates (see README.md, "API generations"). */
export type SandboxApiGeneration = 1 | 2;

/**
 * Generation 2 only: what /person/enrich does with `contact` entries in `fields`:
 * `'reject400'` 400 Invalid fields, `'deny403'` 403 permission_error naming them,
 * `'omit'` 200 without the section (not billed).
 */
export type SandboxContactOnEnrich = 'reject400' | 'deny403' | 'omit';

/** How hostile.entryFaults mangles a 200 answer of /person/enrich and the live endpoint. */
export type SandboxEntryFault = 'nullEntry' | 'matchesNotList' | 'nullMatch' | 'foreignEntry';

/**
 * Answers of a hostile or misconfigured server (option `hostile`), for tests of how a client
 * holds up. Every exchange a switch changes is logged with `scripted: true`, so the contract
 * check leaves it out. A switch set to null or left out is off; an unknown switch or a value of
 * the wrong kind makes configure() / startSandbox() throw a TypeError.
 *
 * Order on the billable routes: unknown route (404) → redirectTo → echoHeaders → the API's own
 * checks (auth, forced responses, faults, rate limits, …) → rateLimitReset / retryAfter on the
 * headers → entryFaults on a 200 → dripMs on the way out (after latencyMs).
 */
export interface SandboxHostile {
	/**
	 * Every request to a route that needs the key (the enrich endpoints, GET /account/endpoints,
	 * GET /account/credits), whatever key it carries (the redirect comes before the auth check,
	 * as a moved host or gateway redirects), is answered `redirectStatus` with
	 * `Location: <redirectTo><path><?query as received>` (trailing slashes of redirectTo dropped)
	 * and an empty body without content-type; nothing billed, no rate slot. Enrich requests wait
	 * latencyMs first, the free routes are answered at once. Must be an absolute URL.
	 */
	redirectTo?: string;
	/** Status of the redirectTo answers (default 307). */
	redirectStatus?: 301 | 302 | 303 | 307 | 308;
	/**
	 * Every enrich request (all billable POST paths), before the auth check, is answered `status`
	 * (200..599) with a body that echoes the request's headers as received (names lower-cased,
	 * in order, authorization included), as some gateways and WAFs do; nothing billed, no rate
	 * slot, no rate-limit headers. format 'json' (default):
	 * `{"error":{"type":"gateway_error","message":"Request rejected by gateway; headers received: authorization: Bearer <key>, x-api-version: <v>, ..."}}` (a gateway's shape: no metadata);
	 * 'text': that same sentence as text/plain; 'html': text/html,
	 * `<html><head><title>Request Rejected</title></head><body><h1>Request Rejected</h1><pre>` +
	 * every header as `name: value` lines (`&`, `<`, `>` escaped) + `</pre>` + filler so the page
	 * is over 1,000 characters + `</body></html>`. Has no effect on requests redirectTo answers.
	 */
	echoHeaders?: { status: number; format?: 'json' | 'text' | 'html' };
	/**
	 * GET /account/endpoints answers its normal listing (filters, window and headers as usual;
	 * the filters see the real statuses), but every endpoint's `status` is the request's
	 * authorization header value (e.g. "Bearer sandbox-key"): a listing that echoes the key.
	 * accountEndpointsAnswer, when set, still comes first.
	 */
	echoKeyInListing?: boolean;
	/**
	 * Raw value sent as `x-ratelimit-reset` on every answer of the enrich endpoints that carries
	 * the rate-limit headers (200s and 429s, and the 400/402/403/500 after auth), replacing the
	 * real one, e.g. '86400', '1e12', '-5', 'soon'. Not on forced responses (sent as given).
	 */
	rateLimitReset?: string;
	/** Raw value sent as `Retry-After` on every 429 (rate limited) of the enrich endpoints, e.g. '86400', 'soon'. */
	retryAfter?: string;
	/**
	 * Every enrich answer (forced, hostile and scripted ones included; not drops) sends its
	 * headers at once (after latencyMs), then its body one byte every `dripMs` ms, so it takes
	 * about body length × dripMs; content-length stays correct. close() stops the drip and ends
	 * the socket at once. 0: off.
	 */
	dripMs?: number;
	/**
	 * Mangles every 200 answer of /person/enrich and the live endpoint (after billing as usual;
	 * x-credits-used unchanged; not /person/contact/enrich): 'nullEntry' the first entry becomes
	 * null; 'matchesNotList' the first entry's `matches` becomes the string "none"; 'nullMatch'
	 * null is appended to the first entry's matches; 'foreignEntry' one extra entry is appended
	 * for a dataset person whose identifier the request did not carry, of the same kind
	 * (`https://www.linkedin.com/in/foreign-person-1` for URL requests,
	 * `foreign.person@retool.com` for email requests; -2 / foreign.person2@ … when the request
	 * carried that one), with one full match as the sandbox would answer it (same fields,
	 * match_status as the other entries; not billed). Several may be combined: foreignEntry is
	 * appended first, then nullMatch, matchesNotList and nullEntry apply to the first entry in
	 * that order (so nullEntry hides the other two).
	 */
	entryFaults?: SandboxEntryFault[];
}

/**
 * The batch jobs' schedule (option `batch`), time-scaled: a job is `pending` for pendingMs, then
 * `processing` for processingMs + perIdentifierMs × identifier_count, then `completed` (or
 * `failed`); and the shape of a contact job's records. Fixed for a job when it is submitted. A
 * partial object merges with the current one; a null key (or `batch: null`) goes back to the
 * default; nonsense is a TypeError.
 */
export interface SandboxBatchSchedule {
	/** Default 20. */
	pendingMs: number;
	/** Default 80. */
	processingMs: number;
	/** Default 0. */
	perIdentifierMs: number;
	/** Records per part file (download_urls), a whole number of 1 or more; default 1000. */
	partRecords: number;
	/** Active (pending or processing) jobs an account may have, enrich and contact together; a submit beyond is a 429. Default 5. */
	maxActive: number;
	/** Each line of a contact job's results (POST /batch/person/contact/enrich): the envelope `{ original_identifier, internal_id, data }` (default) or the bare `data`. */
	contactRecords: SandboxBatchContactRecords;
}

/** The two shapes of a contact batch record that clients have seen. */
export type SandboxBatchContactRecords = 'envelope' | 'bare';

/**
 * What happens to the next batch submits that the API would accept (one entry each, in order):
 * the job IS created (it counts towards maxActive and is billed when it completes) but the answer
 * is lost: `'dropAfterCreate'` socket destroyed, `'error502AfterCreate'` a gateway's html 502
 * (logged scripted), `'hangAfterCreate'` no answer until close(); or `'error500BeforeCreate'` a
 * 500 internal_error and no job.
 */
export type SandboxBatchSubmitFault = 'dropAfterCreate' | 'error502AfterCreate' | 'hangAfterCreate' | 'error500BeforeCreate';

/** How the next status reads (GET /batch/{id}, after the key check) fail: a 500 internal_error, a gateway's html 502, socket destroyed, or no answer. */
export type SandboxBatchStatusFault = 500 | 502 | 'drop' | 'hang';

/**
 * How every result file is served while set: `'truncate'` the first half of the gzip bytes (200,
 * content-length of that half), `'garbage'` bytes that are neither gzip nor JSON lines, `'plain'`
 * the JSON lines uncompressed, `'contentEncoding'` the gzip bytes with `Content-Encoding: gzip`.
 */
export type SandboxBatchResultFault = 'truncate' | 'garbage' | 'plain' | 'contentEncoding';

/** A job of "another workflow" on the same account (option batchFaults.otherJobs). */
export interface SandboxBatchOtherJob {
	identifierCount: number;
	/** It is active (pending, then processing) for this long from configure(), then completed with result_count 0. */
	runMs: number;
	/** Its created_at lies this far in the past (default 0). */
	createdAgoMs?: number;
}

/**
 * Batch faults (option `batchFaults`). configure() replaces the whole object (null: none); an
 * unknown key or a wrong value is a TypeError. The queues are consumed as they apply; reset()
 * empties them (and removes every job); `results` and `listDelayMs` stay until configured back.
 */
export interface SandboxBatchFaults {
	/** The next submitted jobs fail, one entry per job in order, with that error_message when their processing ends; a null entry lets its job through. */
	failJobs?: Array<{ error_message: string } | null>;
	submit?: SandboxBatchSubmitFault[];
	/** A job created by a lost-answer submit shows in GET /batch only after this many ms (default 0). */
	listDelayMs?: number;
	status?: SandboxBatchStatusFault[];
	results?: SandboxBatchResultFault | null;
	/** Created at once when configured (so options show []); they hold slots and show in the list. */
	otherJobs?: SandboxBatchOtherJob[];
}

/** PEM strings for startSandbox({ tls }); test/faults/selfSignedCert.js makes a pair for 127.0.0.1. */
export interface SandboxTls {
	key: string;
	cert: string;
}

export interface SandboxOptions {
	/** Port to listen on (127.0.0.1); 0 = random free port. Only for startSandbox(). */
	port?: number;
	/** Serve https with this key and certificate instead of http (url is then `https://127.0.0.1:PORT`). Only for startSandbox(). */
	tls?: SandboxTls;
	/** Accepted key, sent as `authorization: Bearer <apiKey>` (default 'sandbox-key'). */
	apiKey?: string;
	/** The only accepted `x-api-version` (default '2025-11-01'). */
	apiVersion?: string;
	/**
	 * Each billable endpoint has its own sliding window: `limit` is the default limit per window,
	 * `windowMs` the length of every window (also the key-wide one). null disables every window.
	 * Partial objects merge.
	 */
	rateLimit?: Partial<SandboxRateLimit> | null;
	/** Limit (requests per window) of one endpoint's window, by path; others use rateLimit.limit. configure() replaces the map (default {}). */
	endpointRateLimits?: Record<string, number>;
	/** Key-wide window over all billable endpoints together (same windowMs); null = none (default). */
	tokenRateLimit?: number | null;
	/** GET /account/endpoints reports rate limits (default true; false → every rpm and token_limit_rpm null). */
	reportRateLimits?: boolean;
	/** Paths reported `not_enabled` by GET /account/endpoints; billable ones answer 403 permission_error (default []). */
	disabledEndpoints?: string[];
	/** While set, every GET /account/endpoints request gets this instead of the real answer (default null; reset() keeps it; another value makes configure() throw a TypeError). */
	accountEndpointsAnswer?: SandboxAccountEndpointsAnswer | null;
	/** Delay before answering each enrich request, in ms (default 0). */
	latencyMs?: number;
	/** 0..1: share of enrich requests answered 500 internal_error (seeded PRNG). */
	serverErrorRate?: number;
	/** 0..1: share of enrich requests whose socket is destroyed without a response (seeded PRNG). */
	dropRate?: number;
	/** PRNG seed for faults and shuffling (default 1). */
	seed?: number;
	/** Consumed one per enrich request right after auth, before anything else. configure() replaces the queue. */
	forcedResponses?: SandboxForcedResponse[];
	/** Answer entries in a seeded random order instead of request order. */
	shuffle?: boolean;
	/** Credits available; null = unlimited (default). A request arriving with used >= budget gets 402. */
	creditBudget?: number | null;
	/** Allow `preview: true` (default false → 400). */
	previewEnabled?: boolean;
	/** Allow the live endpoint (default true; false → 403). */
	liveEnabled?: boolean;
	/** Sections whose request (section or dot path inside) is a 403 (default ['certifications', 'honors']). */
	gatedSections?: string[];
	/** Answer 404 not_found when no identifier of the request matched (default false → 200 with empty matches). */
	notFoundAs404?: boolean;
	/** Accept business_emails on /person/enrich (default true). */
	emailLookupEnabled?: boolean;
	/** Invalid-identifier 400s carry a generic message that names no identifier (default false). */
	unnamedBadRequests?: boolean;
	/**
	 * API generation (default 1, today's reference page). 2: /person/enrich has no `contact` but
	 * `assessment` and `social_posts` (field access), is priced 1 + 1 developer platform (+5
	 * social_posts), and POST /person/contact/enrich and POST /batch/person/contact/enrich are enabled. Another value makes configure() throw a TypeError.
	 */
	apiGeneration?: SandboxApiGeneration | '1' | '2';
	/** Generation 2: answer to `contact` entries on /person/enrich (default 'reject400'; another value makes configure() throw a TypeError). */
	contactOnEnrich?: SandboxContactOnEnrich;
	/** Generation 2: field-access sections the account has (`'assessment'`, `'social_posts'`); the others are disabled, 403 (default []). */
	grantedSections?: string[];
	/** Answers of a hostile server (default null: none). configure() replaces it whole (a copy); reset() keeps it; nonsense makes configure() throw a TypeError. */
	hostile?: SandboxHostile | null;
	/** The batch jobs' schedule (see SandboxBatchSchedule); a partial object merges, a null key goes back to its default. */
	batch?: ({ [K in Exclude<keyof SandboxBatchSchedule, 'contactRecords'>]?: number | null } & { contactRecords?: SandboxBatchContactRecords | null }) | null;
	/** Batch faults (see SandboxBatchFaults); configure() replaces them whole. */
	batchFaults?: SandboxBatchFaults | null;
}

/** Options as currently in effect (forcedResponses = the scripted answers still pending). */
export interface SandboxEffectiveOptions {
	apiKey: string;
	apiVersion: string;
	rateLimit: SandboxRateLimit | null;
	latencyMs: number;
	serverErrorRate: number;
	dropRate: number;
	seed: number;
	forcedResponses: SandboxForcedResponse[];
	shuffle: boolean;
	creditBudget: number | null;
	previewEnabled: boolean;
	liveEnabled: boolean;
	gatedSections: string[];
	notFoundAs404: boolean;
	emailLookupEnabled: boolean;
	unnamedBadRequests: boolean;
	endpointRateLimits: Record<string, number>;
	tokenRateLimit: number | null;
	reportRateLimits: boolean;
	disabledEndpoints: string[];
	accountEndpointsAnswer: SandboxAccountEndpointsAnswer | null;
	apiGeneration: SandboxApiGeneration;
	contactOnEnrich: SandboxContactOnEnrich;
	grantedSections: string[];
	/** The switches that are set, as given (defaults such as redirectStatus 307 are not filled in). */
	hostile: SandboxHostile | null;
	batch: SandboxBatchSchedule;
	/** The fault queues still pending and the switches; otherJobs is always [] (they were created when configured). */
	batchFaults: Required<SandboxBatchFaults>;
}

/** One request that reached a known route (control endpoints excluded). */
export interface SandboxRequestLogEntry {
	/** Date.now() at arrival. */
	at: number;
	method: string;
	/** Path without query string. */
	path: string;
	/** The URL's query parameters ({} when none): a name given once → its value, repeated → every value in order. */
	query: Record<string, string | string[]>;
	/** Lower-cased header names, raw values. */
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON, or the raw string when not JSON ('' when empty). */
	body: unknown;
	/** HTTP status sent, 'dropped' for a destroyed socket, null while still pending (latency). */
	status: number | 'dropped' | null;
	/** Length of the identifier array in the body (0 when none); a batch submit's comma-separated string counts its pieces. */
	identifierCount: number;
	/** Credits billed for this request (0 unless a 200 with matches); a batch submit's, once its job completed. */
	creditsUsed: number;
	/** The API generation the sandbox imitated when the request arrived. */
	apiGeneration: SandboxApiGeneration;
	/** What the sandbox answered (body as sent, headers it set), null while pending or when dropped. */
	answer: { body: unknown; headers: Record<string, string> } | null;
	/** Answered from a test's script (forcedResponses, accountEndpointsAnswer) or changed by a hostile switch, rather than by the API's rules. */
	scripted: boolean;
}

/** One entry of the GET /account/endpoints answer. */
export interface SandboxEndpointPermission {
	path: string;
	category: string;
	status: 'enabled' | 'not_enabled';
	effective_rate_limit_rpm: number | null;
	fields: { enabled: string[]; disabled: string[] };
}

/** Status of a business or personal email record. */
export type SandboxEmailStatus = 'deliverable' | 'catch_all' | 'invalid' | 'unknown';

export interface SandboxEmailRecord {
	email: string;
	status: SandboxEmailStatus;
	last_updated: string;
	/** Business records of POST /person/contact/enrich, when the domain is a known employer's. */
	crustdata_company_id?: number;
}

/** person_data.contact of POST /person/contact/enrich: only the requested tiers. */
export interface SandboxContactData {
	business_emails?: SandboxEmailRecord[];
	/** With `verified: true` when no business email passed the check. */
	business_emails_message?: string;
	personal_emails?: SandboxEmailRecord[];
	phone_numbers?: string[];
	websites?: string[];
}

/** One entry of the 200 answer of POST /person/contact/enrich (a top-level array). */
export interface SandboxContactEnrichEntry {
	matched_on: string;
	match_type: 'professional_network_profile_url' | 'business_email';
	/** Only on redacted entries. */
	match_status?: 'redacted';
	matches: Array<{
		confidence_score: number;
		person_data: { crustdata_person_id: number; contact: SandboxContactData };
	}>;
}

/** The 200 answer of GET /account/endpoints. */
export interface SandboxAccountEndpoints {
	api_version: string;
	token_limit_rpm: number | null;
	endpoints: SandboxEndpointPermission[];
}

/** Status of a batch job. */
export type SandboxBatchJobStatus = 'pending' | 'processing' | 'completed' | 'failed';

/** A batch job's action: 'contact_enrich' for POST /batch/person/contact/enrich (assumed: undocumented). */
export type SandboxBatchAction = 'enrich' | 'contact_enrich';

/** The 200 answer of POST /batch/person/enrich and POST /batch/person/contact/enrich. */
export interface SandboxBatchSubmitAnswer {
	batch_id: string;
	status: 'pending';
	entity: 'person';
	action: SandboxBatchAction;
	identifier_count: number;
	entities_requested: number;
	/** `/batch/<batch_id>`. */
	status_url: string;
}

/** The 200 answer of GET /batch/{batch_id}, and (without the links) one job of GET /batch. */
export interface SandboxBatchStatus {
	batch_id: string;
	status: SandboxBatchJobStatus;
	entity: 'person';
	action: SandboxBatchAction;
	identifier_count: number;
	/** Records in the results (0 until completed). */
	result_count: number;
	entities_requested: number;
	entities_fulfilled: number;
	/** ISO 8601. */
	created_at: string;
	/** ISO 8601, once completed or failed. */
	completed_at?: string;
	/** Completed only (status read only): every record in one file; with result_count 0 a link that 404s. */
	download_url?: string;
	/** Completed only (status read only): one link per part file of partRecords records; with result_count 0 one link that 404s. */
	download_urls?: string[];
	/** Failed only. */
	error_message?: string;
}

/** The 200 answer of GET /batch?limit=&status=&cursor= (Crustdata's documented shape). */
export interface SandboxBatchList {
	/** Newest first. */
	jobs: SandboxBatchStatus[];
	/** The last job's batch_id when more follow (pass it as `cursor`), else null. */
	next_cursor: string | null;
	has_more: boolean;
}

/** One line of a results file (gzipped JSON lines). */
export interface SandboxBatchRecord {
	/** The identifier exactly as sent (comma-separated pieces trimmed). */
	original_identifier: string;
	/** data.crustdata_person_id. */
	internal_id: number;
	/** The bare person_data: basic_profile, social_handles and the requested fields; no confidence_score. */
	data: { crustdata_person_id: number } & Record<string, unknown>;
}

/** An email of a contact batch record. */
export interface SandboxBatchContactEmail {
	email: string;
	status: SandboxEmailStatus;
}

/** `data` of a contact batch record: the person and only the requested parts ([] when nothing was found). */
export interface SandboxBatchContactData {
	/** The person's canonical profile URL (`https://www.linkedin.com/in/<lower-cased slug>`). */
	professional_network_url: string;
	/** crustdata_person_id. */
	person_id: number;
	/** With `business_email` in fields. */
	business_email?: SandboxBatchContactEmail[];
	/** With `personal_contact_info` (both parts) or one of its dot paths. */
	personal_contact_info?: { personal_emails?: SandboxBatchContactEmail[]; phone_numbers?: string[] };
}

/** One line of a contact job's results: the envelope (batch.contactRecords 'envelope', the default) or the bare data ('bare'). */
export type SandboxBatchContactRecord =
	| { original_identifier: string; internal_id: number; data: SandboxBatchContactData }
	| SandboxBatchContactData;

/** One request that reached the results origin. */
export interface SandboxDownloadLogEntry {
	/** Date.now() at arrival. */
	at: number;
	method: string;
	/** Path and query as received. */
	url: string;
	/** Lower-cased header names, raw values. */
	headers: Record<string, string | string[] | undefined>;
	/** The status sent (null only while being answered). */
	status: number | null;
}

/** One webhook callback the sandbox sent. */
export interface SandboxWebhookLogEntry {
	at: number;
	url: string;
	body: { batch_id: string; status: 'completed' | 'failed' };
	/** The receiver's status, 'error' when it could not be reached, null while in flight. */
	status: number | 'error' | null;
}

export interface Sandbox {
	/** 'http://127.0.0.1:PORT' ('https://127.0.0.1:PORT' when started with `tls`). */
	readonly url: string;
	readonly port: number;
	/** The key currently accepted. */
	readonly apiKey: string;
	/** Live request log (same array for the sandbox's lifetime; reset() empties it). */
	readonly requests: SandboxRequestLogEntry[];
	/** Options currently in effect (a copy). */
	readonly options: SandboxEffectiveOptions;
	/** Credits billed since start or the last reset(). */
	readonly creditsUsed: number;
	/** The results origin, 'http://127.0.0.1:PORT2' (plain http even with tls): where download links point. */
	readonly resultsUrl: string;
	/** Every request to the results origin (same array for the sandbox's lifetime; reset() empties it; also GET /__sandbox/downloads). */
	readonly downloads: SandboxDownloadLogEntry[];
	/** Every webhook callback sent (reset() empties it; also GET /__sandbox/webhooks). */
	readonly webhooks: SandboxWebhookLogEntry[];
	/** Merge options at run time (same keys as startSandbox, except port and tls). */
	configure(partial: SandboxOptions): void;
	/** Clear the request log, every rate window, credits used, pending forced responses, every batch job, the downloads and webhooks logs and the batch fault queues; re-seed the PRNGs; restart the match_status alternation. Options stay. */
	reset(): void;
	/** Calls `listener` with the request log before each reset() empties it (for checks over every exchange). */
	onReset(listener: (requests: readonly SandboxRequestLogEntry[]) => void): void;
	/** Stop listening (both origins), stop every timer and destroy open (keep-alive) sockets. */
	close(): Promise<void>;
}

export declare function startSandbox(options?: SandboxOptions): Promise<Sandbox>;

/** The defaults startSandbox() applies. */
export declare const DEFAULT_OPTIONS: Readonly<SandboxEffectiveOptions>;
