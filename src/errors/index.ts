export { ERROR_CODES, type ErrorCode, type ErrorCodeSpec } from './error-codes';
export { IntelrouteError, isIntelrouteError } from './intelroute-error';
