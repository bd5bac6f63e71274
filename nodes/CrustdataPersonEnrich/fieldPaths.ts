import type { IDataObject } from 'n8n-workflow';

import { isRecord } from './types';

/**
 * Field paths as Crustdata names them: sections (`contact`) and dot-paths inside them
 * (`contact.business_emails`). Pure.
 */

/** Whether `field` is `section` or a path inside it. */
export const within = (field: string, section: string) => field === section || field.startsWith(`${section}.`);

const isEmptyRecord = (value: unknown) => isRecord(value) && Object.keys(value).length === 0;

/**
 * `data` without the value at `path` (in every element of a list on the way, as a path into a
 * list names a field of each), and without the objects and lists that held only it: a field
 * the node asked for itself leaves no trace in what the user gets.
 */
export function withoutPath(data: IDataObject, path: string): IDataObject {
	const [key, ...rest] = path.split('.');
	if (!(key in data)) return data;
	const { [key]: value, ...others } = data;
	if (rest.length === 0) return others;
	const inner = (element: unknown) => (isRecord(element) ? withoutPath(element, rest.join('.')) : element);
	if (Array.isArray(value)) {
		const elements = value.map(inner);
		// An empty list on the way held nothing but the field either.
		return elements.every(isEmptyRecord) ? others : { ...others, [key]: elements };
	}
	if (!isRecord(value)) return data;
	const remaining = withoutPath(value, rest.join('.'));
	return isEmptyRecord(remaining) ? others : { ...others, [key]: remaining };
}
