/** Support token scopes as the view knows them (the server's SUPPORT_SCOPES). */
export const SUPPORT_SCOPE_NAMES = ['open', 'download'] as const;
