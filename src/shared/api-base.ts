/** 123pan's open platform, where API calls go unless a same-origin proxy is given. */
export const DEFAULT_API_BASE = 'https://open-api.123pan.com';
