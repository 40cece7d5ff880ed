export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorCodeSpec,
  type GrpcStatusName,
} from './error-codes';
export { IntelrouteError, isIntelrouteError } from './intelroute-error';
