// The names every folder shares: operations, endpoint paths and person_data sections. The bottom of the node: it imports only its types.
import type { EnrichOperation, Operation } from './types';

/** The sections of `person_data`, each a value of Fields. */
export const PERSON_DATA_SECTIONS = [
	'basic_profile',
	'professional_network',
	'social_handles',
	'experience',
	'education',
	'skills',
	'contact',
	'dev_platform_profiles',
	'certifications',
	'honors',
] as const;

/** Each operation as the editor names it, for messages. */
export const OPERATION_NAME: Record<Operation, string> = {
	enrich: 'Enrich',
	enrichLive: 'Enrich Live',
	enrichBatch: 'Enrich in Batch Jobs',
	getBatchResults: 'Get Batch Results',
};

/** The profile endpoint each operation sends to. */
export const ENDPOINT: Record<EnrichOperation, string> = {
	enrich: '/person/enrich',
	enrichLive: '/person/professional_network/enrich/live',
	enrichBatch: '/batch/person/enrich',
};

/** A batch job's status is `GET /batch/{batch_id}`; the account's jobs, newest first, are `GET /batch`. */
export const BATCH_PATH = '/batch';

/** The endpoint that serves contact data on accounts whose profile endpoint does not. */
export const CONTACT_ENRICH_PATH = '/person/contact/enrich';

/** The batch job endpoint for contact data on accounts whose profile endpoint does not serve it. */
export const BATCH_CONTACT_PATH = '/batch/person/contact/enrich';
