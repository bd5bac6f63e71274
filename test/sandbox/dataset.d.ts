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

/** API generation whose field names apply (default 1). */
export type SandboxGeneration = 1 | 2;

/** The ten person_data section names of generation 1, in the API's order. */
export declare const SECTION_NAMES: readonly string[];
/** Generation 2: SECTION_NAMES without contact, plus assessment and social_posts. */
export declare const GENERATION_2_SECTION_NAMES: readonly string[];
/** Generation-2 sections that need field access: assessment, social_posts. */
export declare const FIELD_ACCESS_SECTIONS: readonly string[];
/** The four fields of POST /person/contact/enrich: contact.business_emails, .personal_emails, .phone_numbers, .websites. */
export declare const CONTACT_FIELDS: readonly string[];
/** Email record statuses: deliverable, catch_all, invalid, unknown. */
export declare const EMAIL_STATUSES: readonly string[];
/** Business-email local-part prefixes that decide the candidates: multi, mixed, elsewhere, unemployed, lookalike. */
export declare const EMAIL_RULES: readonly string[];
/** Leading email-domain labels stripped to find the company (mail.acme.io -> acme.io): mail, email, eu, us, uk, emea, apac. */
export declare const SUBDOMAIN_LABELS: readonly string[];
/** SECTION_NAMES or GENERATION_2_SECTION_NAMES. */
export declare function sectionNames(generation?: SandboxGeneration): readonly string[];
/** Top-level keys also accepted in `fields`: crustdata_person_id, updated_at. */
export declare const TOP_LEVEL_KEYS: readonly string[];
/** Shape of person_data, every generation's sections ('leaf' = value, object = nested keys, one-element array = array of objects). */
export declare const SCHEMA: Record<string, unknown>;

/** Section names of the generation, top-level keys and every valid dot path (what a 400 lists as available_fields). */
export declare function validFieldPaths(generation?: SandboxGeneration): string[];
export declare function isValidField(field: string, generation?: SandboxGeneration): boolean;
/** Contact data as POST /person/contact/enrich answers it (copies; business records may carry crustdata_company_id). */
export declare function contactEnrichData(person: SandboxPerson): {
	business_emails: Array<{ email: string; status: string; last_updated: string; crustdata_company_id?: number }>;
	personal_emails: Array<{ email: string; status: string; last_updated: string }>;
	phone_numbers: string[];
	websites: string[];
};
export declare function lookupByProfileUrl(url: string): SandboxLookup;
export declare function lookupByBusinessEmail(email: string): SandboxLookup;
/** Options of buildPerson; every one optional (see its comment in dataset.js). */
export interface SandboxPersonOptions {
	first?: string;
	last?: string;
	slug?: string;
	company?: { name: string; domain: string };
	/** The business email the person owns, first and deliverable. */
	email?: string;
	contact?: 'none' | 'full' | 'undeliverable';
	/** A former job there, ended when the current one began. */
	formerCompany?: { name: string; domain: string };
	/** A domain none of the current jobs shares a registrable domain with. */
	notAt?: string;
	/** No current employer: the jobs at `company` move to the past. */
	unemployed?: boolean;
}
export declare function buildPerson(seed: string, opts?: SandboxPersonOptions): SandboxPerson;
/** Lower-cased slug of a profile URL (lenient). */
export declare function slugOf(url: string): string;
export declare function fnv1a(str: string): number;
export declare function mulberry32(seed: number): () => number;
