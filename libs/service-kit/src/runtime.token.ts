/** Injection token of the service's `ServiceRuntime` (`@Inject(SERVICE_RUNTIME)`). */
export const SERVICE_RUNTIME = Symbol('ServiceRuntime');
