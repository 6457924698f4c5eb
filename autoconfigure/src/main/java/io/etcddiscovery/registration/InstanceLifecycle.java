/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.registration;

import java.time.Duration;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Registers this instance when the application is ready and withdraws it on shutdown
 * before the web server stops accepting requests.
 * <p>
 * Registration waits for {@link ApplicationReadyEvent}, so that runners have finished and
 * the web server listens. Deregistration runs in {@link #PHASE}, above the phase of the
 * web server's graceful shutdown ({@code SmartLifecycle.DEFAULT_PHASE - 1024}), so that
 * the instance is out of the registry and clients have had the drain delay to notice
 * before in-flight requests are drained and the server stops. Only the context that holds
 * this bean registers and deregisters; events from child contexts are ignored.
 *
 * @author etcd-discovery authors
 */
public class InstanceLifecycle
		implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent>, ApplicationContextAware {

	/**
	 * The phase of this lifecycle: above the web server's graceful shutdown phase.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private final InstanceRegistrar registrar;

	private final Supplier<ServiceRegistration> registration;

	private final HealthCheckLoop healthCheckLoop;

	private final boolean failFast;

	private final Duration drainDelay;

	private @Nullable ApplicationContext applicationContext;

	private volatile boolean running;

	/**
	 * Create a new lifecycle.
	 * @param registrar the registrar
	 * @param registration what to register, resolved when the application is ready
	 * @param healthCheckLoop the health check loop, started once registration starts
	 * @param failFast whether a failed first registration fails start-up
	 * @param drainDelay how long to wait between withdrawing the key and revoking the
	 * lease
	 */
	public InstanceLifecycle(InstanceRegistrar registrar, Supplier<ServiceRegistration> registration,
			HealthCheckLoop healthCheckLoop, boolean failFast, Duration drainDelay) {
		Assert.notNull(registrar, "'registrar' must not be null");
		Assert.notNull(registration, "'registration' must not be null");
		Assert.notNull(healthCheckLoop, "'healthCheckLoop' must not be null");
		Assert.notNull(drainDelay, "'drainDelay' must not be null");
		this.healthCheckLoop = healthCheckLoop;
		this.registrar = registrar;
		this.registration = registration;
		this.failFast = failFast;
		this.drainDelay = drainDelay;
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (!this.running || event.getApplicationContext() != this.applicationContext) {
			return;
		}
		// Health first, so that an unhealthy instance is never published as UP.
		ServiceRegistration instance = this.registration.get().withStatus(this.healthCheckLoop.evaluateNow());
		if (this.failFast) {
			this.registrar.startAndWait(instance);
		}
		else {
			this.registrar.start(instance);
		}
		this.healthCheckLoop.start();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.healthCheckLoop.stop();
		this.registrar.stop(this.drainDelay);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Return the health check loop.
	 * @return the health check loop
	 */
	public HealthCheckLoop getHealthCheckLoop() {
		return this.healthCheckLoop;
	}

	/**
	 * Return the registrar.
	 * @return the registrar
	 */
	public InstanceRegistrar getRegistrar() {
		return this.registrar;
	}

}
