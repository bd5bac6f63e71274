import type { IDataObject } from 'n8n-workflow';

import { profileUrl } from './runNode';

// The sandbox people the contact tests look up: one each of every way a lookup ends, so a test can
// tell a merge by profile from a merge by position, and never asks about a profile that matched no one.

export const CONTACT_INPUTS = [
	profileUrl('ada-lovelace'),
	profileUrl('nomatch-ghost'),
	'https://uk.linkedin.com/in/Ada-Lovelace/',
	profileUrl('fullcontact-grace'),
	profileUrl('redacted-rita'),
	profileUrl('nocontact-nils'),
];

/** The inputs' matched profiles, each once: the only ones contact data may be asked for. */
export const CONTACT_MATCHED = [profileUrl('ada-lovelace'), profileUrl('fullcontact-grace'), profileUrl('nocontact-nils')];

export const contactOf = (json: IDataObject) => (json.person_data as IDataObject).contact as IDataObject;
