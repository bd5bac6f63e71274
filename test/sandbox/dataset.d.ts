// Type declarations for test/sandbox/dataset.js (a plain CommonJS module).

/** A generated person_data (full, before field filtering). */
export type SandboxPerson = { crustdata_person_id: number } & Record<string, unknown>;

export interface SandboxCandidate {
	confidence_score: number;
	person: SandboxPerson;
}

export interface SandboxLookup {
	status: 'matched' | 'not_found' | 'redacted';
	candidates: SandboxCandidate[];
}

/** The ten person_data section names, in the API's order. */
export declare const SECTION_NAMES: readonly string[];
/** Top-level keys also accepted in `fields`: crustdata_person_id, updated_at. */
export declare const TOP_LEVEL_KEYS: readonly string[];
/** Shape of person_data ('leaf' = value, object = nested keys, one-element array = array of objects). */
export declare const SCHEMA: Record<string, unknown>;

/** Section names, top-level keys and every valid dot path (what a 400 lists as available_fields). */
export declare function validFieldPaths(): string[];
export declare function isValidField(field: string): boolean;
export declare function lookupByProfileUrl(url: string): SandboxLookup;
export declare function lookupByBusinessEmail(email: string): SandboxLookup;
export declare function buildPerson(seed: string, opts?: Record<string, unknown>): SandboxPerson;
/** Lower-cased slug of a profile URL (lenient). */
export declare function slugOf(url: string): string;
export declare function fnv1a(str: string): number;
export declare function mulberry32(seed: number): () => number;
