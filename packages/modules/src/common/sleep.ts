/** Sleep `ms`, waking early (without error) when `signal` aborts (core's one signal-aware sleep). */
export { sleep } from '@tsplay/core/module';
