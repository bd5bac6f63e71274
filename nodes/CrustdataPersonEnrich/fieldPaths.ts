import type { IDataObject } from 'n8n-workflow';

import { isRecord } from './types';

/**
 * Field paths as Crustdata names them: sections (`contact`) and dot-paths inside them
 * (`contact.business_emails`). Pure.
 */

/** Whether `field` is `section` or a path inside it. */
export const within = (field: string, section: string) => field === section || field.startsWith(`${section}.`);

/**
 * `data` without the value at `path`, and without the objects that held only it: a field the
 * node asked for itself leaves no trace in what the user gets.
 */
export function withoutPath(data: IDataObject, path: string): IDataObject {
	const [key, ...rest] = path.split('.');
	if (!(key in data)) return data;
	const { [key]: value, ...others } = data;
	if (rest.length === 0 || !isRecord(value)) return rest.length === 0 ? others : data;
	const inner = withoutPath(value, rest.join('.'));
	return Object.keys(inner).length === 0 ? others : { ...others, [key]: inner };
}
