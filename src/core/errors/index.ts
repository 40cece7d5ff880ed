export { ERROR_CODES, type ErrorCode, type ErrorCodeSpec } from './error-codes';
export { errorText, IntelrouteError, isIntelrouteError } from './intelroute-error';
