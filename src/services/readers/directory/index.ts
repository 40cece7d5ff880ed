export {
  ContactPointDirectory,
  type ContactPointDirectoryOptions,
} from './contact-point-directory';
export {
  readDirectoryRecord,
  type ContactPointEntry,
  type DirectoryRecordReading,
} from './contact-point-entry';
