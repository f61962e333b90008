/** Types of scripts/pg-cluster.mjs (plain JavaScript so that it runs before any build). */
export interface ServerUser {
  /** The command prefix that runs a program as the server's user ([] unless root). */
  prefix: string[];
  uid: number | undefined;
  gid: number | undefined;
}
export interface Cluster {
  /** The cluster's folder: data/ inside, the unix socket and server.log beside it. */
  dir: string;
  /** The folder holding initdb, pg_ctl and postgres. */
  bin: string;
  user: ServerUser;
}
export function findServerBinaries(): { dir: string; reason?: undefined } | { dir?: undefined; reason: string };
export function serverUserPrefix(): (ServerUser & { reason?: undefined }) | { reason: string };
export function freePort(): number;
export function devClusterPort(setting: string | undefined, isFree: (port: number) => boolean, pickFree?: () => number): number;
export function initCluster(cluster: Cluster): string;
export function clusterRunning(cluster: Cluster): boolean;
export function startCluster(cluster: Cluster & { port?: number }): number;
export function stopCluster(cluster: Cluster): void;
export function clusterUrl(o: { port: number; password: string; database?: string; user?: string }): string;
export function stopWhenGone(cluster: Cluster, ownerPid: number, dirs?: string[]): void;
