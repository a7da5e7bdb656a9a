import './error-codes.js';
export { command, commandLine } from './command/index.js';
export type { CommandArgs, CommandResult } from './command/index.js';
export { modeSchema, formatMode } from './common/mode.js';
export type { ModeInput } from './common/mode.js';
export { file, fileArgsSchema } from './file/index.js';
export type { FileArgs, FileOptions, FileResult } from './file/index.js';
export { copy, copyArgsSchema } from './copy/index.js';
export type { CopyArgs, CopyOptions, CopyResult } from './copy/index.js';
export { fetch, fetchArgsSchema } from './fetch/index.js';
export type { FetchArgs, FetchOptions, FetchResult } from './fetch/index.js';
export { template, templateArgs, templateArgsSchema } from './template/index.js';
export type { TemplateArgs, TemplateOptions, TemplateFn, TypedTemplateArgs, TemplateResult } from './template/index.js';
export { lineDiff, unifiedDiff, diffStat } from './common/linediff.js';
export type { DiffOp } from './common/linediff.js';
export { download } from './download/index.js';
export type { DownloadArgs, DownloadOptions, DownloadResult } from './download/index.js';
export { unarchive } from './unarchive/index.js';
export type { UnarchiveArgs, UnarchiveOptions, UnarchiveResult } from './unarchive/index.js';
export { systemd, systemdService, systemdArgs, unitName } from './systemd/index.js';
export type {
  SystemdArgs,
  SystemdArgsInput,
  SystemdResult,
  SystemdServiceArgs,
  SystemdServiceOptions,
  SystemdAction,
  SystemdPlanData,
  UnitView,
} from './systemd/index.js';
export { lineinfile, lineinfileArgsSchema } from './lineinfile/index.js';
export type { LineinfileArgs } from './lineinfile/index.js';
export { blockinfile, blockinfileArgsSchema } from './blockinfile/index.js';
export type { BlockinfileArgs } from './blockinfile/index.js';
export { stat } from './stat/index.js';
export type { StatArgs, StatResult } from './stat/index.js';
export { sysctl } from './sysctl/index.js';
export type { SysctlArgs, SysctlResult } from './sysctl/index.js';
export { hostname } from './hostname/index.js';
export type { HostnameArgs } from './hostname/index.js';
export { user } from './user/index.js';
export type { UserArgs } from './user/index.js';
export { group } from './group/index.js';
export type { GroupArgs } from './group/index.js';
export { authorizedKey } from './authorized_key/index.js';
export type { AuthorizedKeyArgs } from './authorized_key/index.js';
export { waitFor } from './wait_for/index.js';
export type { WaitForArgs, WaitForResult } from './wait_for/index.js';
export { uri } from './uri/index.js';
export type { UriArgs, UriResult } from './uri/index.js';
export { apt, pkg } from './apt/index.js';
export type { AptArgs, AptResult } from './apt/index.js';
export { facts } from './facts/index.js';
export type { FactsArgs, HostFacts } from './facts/index.js';
export { moduleReference, formatReference } from './reference.js';
export type { ModuleDoc, ArgDoc } from './reference.js';
// The plan-data and fact types inside the modules' `Module<...>` types, so a package that returns a
// task of a built-in (the etcd role's parts) can name them in its declarations.
export type { CommandFactQueries } from './command/facts.js';
export type { FilePlanData } from './file/plan.js';
export type { TreeEntry } from './file/facts.js';
export type { UnarchivePlanData } from './unarchive/plan.js';
export type { LocalArchive, Member } from './unarchive/probe.js';
export type { DownloadPlanData } from './download/plan.js';
export type { FetchPlanData, LocalDest } from './fetch/index.js';
export type { Downloaders } from './download/facts.js';
