// Types for crustdataApi.js: Crustdata's documented API contract as zod schemas.
import type { ZodTypeAny } from 'zod';

import type { SandboxRequestLogEntry } from '../sandbox/server';

export declare const SECTIONS_BY_GENERATION: Record<1 | 2, string[]>;
export declare function enrichRequest(generation: 1 | 2): ZodTypeAny;
export declare function liveRequest(generation: 1 | 2): ZodTypeAny;
export declare const contactRequest: ZodTypeAny;
export declare function enrichAnswer(generation: 1 | 2): ZodTypeAny;
export declare const contactAnswer: ZodTypeAny;
export declare const errorBody: ZodTypeAny;
export declare const keyRejected: ZodTypeAny;
export declare const accountEndpointsAnswer: ZodTypeAny;
export declare const accountCreditsAnswer: ZodTypeAny;
/** POST /batch/person/enrich's body: one identifier type (array or comma-separated string), 1 to 10,000; fields, chunk_size 10..1000, webhook_url; nothing else. */
export declare function batchSubmitRequest(generation: 1 | 2): ZodTypeAny;
/** The submit's answer: `{ batch_id, status: 'pending', entity: 'person', action: 'enrich', identifier_count, entities_requested, status_url: '/batch/<batch_id>' }`. */
export declare const batchSubmitAnswer: ZodTypeAny;
/** POST /batch/person/contact/enrich's body (generation 2): professional_network_profile_urls only (array or comma-separated string), 1 to 300; fields required, of business_email, personal_contact_info, personal_contact_info.personal_emails, personal_contact_info.phone_numbers; webhook_url; nothing else. */
export declare const batchContactSubmitRequest: ZodTypeAny;
/** The contact submit's answer: as batchSubmitAnswer, with any non-empty `action` (undocumented) and at most 300 identifiers. */
export declare const batchContactSubmitAnswer: ZodTypeAny;
/** GET /batch/{batch_id}: download links only when completed, error_message only (and always) when failed. */
export declare const batchStatusAnswer: ZodTypeAny;
/** GET /batch: `{ jobs, next_cursor: string | null, has_more }`. */
export declare const batchListAnswer: ZodTypeAny;
/** One line of a results file: `{ original_identifier, internal_id, data }`, data the generation's bare person_data. */
export declare function batchRecord(generation: 1 | 2): ZodTypeAny;
/**
 * One line of a contact batch's results, either shape: `{ original_identifier, internal_id, data }`
 * or the bare `data`, `{ professional_network_url, person_id, business_email?: [{ email, status }],
 * personal_contact_info?: { personal_emails?: [{ email, status }], phone_numbers?: string[] } }`.
 */
export declare const batchContactRecord: ZodTypeAny;

/** What in the sandbox's exchanges breaks the contract, one line each; [] when all hold. */
export declare function contractViolations(exchanges: readonly SandboxRequestLogEntry[]): string[];

/**
 * What in a batch job's downloaded results breaks the contract, one line each; [] when all hold.
 * `input`: the file's text (JSON lines, each ended by `\n`), or its records as lines or parsed
 * values. `identifiers`: what the job was sent (each record must echo one of them).
 */
export declare function batchRecordViolations(
	input: string | readonly unknown[],
	options?: { generation?: 1 | 2; identifiers?: readonly string[] },
): string[];

/**
 * As batchRecordViolations, for a contact batch job's results (either record shape).
 * `identifiers`: what the job was sent (an envelope must echo one); `fields`: what it asked for
 * (each record must carry exactly those parts).
 */
export declare function batchContactRecordViolations(
	input: string | readonly unknown[],
	options?: { identifiers?: readonly string[]; fields?: readonly string[] },
): string[];
