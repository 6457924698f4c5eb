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
package io.etcddiscovery.cloud;

import java.util.concurrent.atomic.AtomicBoolean;

import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.RegistrationState;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Publishes Spring Cloud's {@link InstanceRegisteredEvent} once, when discovery is
 * initialized: when this instance is registered in etcd for the first time or, in an
 * application that does not register, when the cache has listed etcd for the first time.
 * <p>
 * Spring Cloud's discovery health indicators report UNKNOWN ("Discovery Client not
 * initialized") until this event; Gateway's route refresh and Spring Boot Admin's
 * discovery also refresh on it. It is published once per application: later
 * re-registrations change the cache, which {@link HeartbeatEventPublisher} announces.
 * Published on the {@link CloudEventExecutor}'s thread, never before this lifecycle
 * started (the context is refreshed by then).
 *
 * @author etcd-discovery authors
 */
public class InstanceRegisteredEventPublisher implements SmartLifecycle, ApplicationEventPublisherAware {

	/**
	 * The phase of this lifecycle: the same as {@link HeartbeatEventPublisher}'s.
	 */
	public static final int PHASE = HeartbeatEventPublisher.PHASE;

	private final @Nullable InstanceRegistrar registrar;

	private final @Nullable ServiceCache cache;

	private final Object config;

	private final CloudEventExecutor executor;

	private final AtomicBoolean announced = new AtomicBoolean();

	private @Nullable ApplicationEventPublisher eventPublisher;

	private volatile boolean running;

	private volatile boolean due;

	private boolean listening;

	/**
	 * Create a new publisher.
	 * @param registrar the registrar whose first registration is announced, or
	 * {@code null} when this application does not register
	 * @param cache the cache whose first listing is announced when this application does
	 * not register, or {@code null}
	 * @param config the configuration the event carries: this application's registration,
	 * or the cache
	 * @param executor the thread the event is published on
	 */
	public InstanceRegisteredEventPublisher(@Nullable InstanceRegistrar registrar, @Nullable ServiceCache cache,
			Object config, CloudEventExecutor executor) {
		Assert.isTrue(registrar != null || cache != null, "'registrar' or 'cache' must not be null");
		Assert.notNull(config, "'config' must not be null");
		Assert.notNull(executor, "'executor' must not be null");
		this.registrar = registrar;
		this.cache = cache;
		this.config = config;
		this.executor = executor;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher applicationEventPublisher) {
		this.eventPublisher = applicationEventPublisher;
	}

	@Override
	public synchronized void start() {
		this.running = true;
		if (!this.listening) {
			this.listening = true;
			if (this.registrar != null) {
				this.registrar.addStateListener(this::stateChanged);
				if (this.registrar.getState().phase() == RegistrationState.Phase.REGISTERED) {
					this.due = true;
				}
			}
			else if (this.cache != null) {
				this.cache.firstListing().thenRun(() -> {
					this.due = true;
					this.executor.execute(this::publish);
				});
			}
		}
		if (this.due) {
			this.executor.execute(this::publish);
		}
	}

	@Override
	public void stop() {
		this.running = false;
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
	 * Return whether the event was published.
	 * @return whether it was
	 */
	public boolean isPublished() {
		return this.announced.get();
	}

	// The registrar's thread: only schedules.
	private void stateChanged(RegistrationState state) {
		if (state.phase() == RegistrationState.Phase.REGISTERED && !this.due) {
			this.due = true;
			this.executor.execute(this::publish);
		}
	}

	private void publish() {
		ApplicationEventPublisher target = this.eventPublisher;
		if (!this.running || !this.due || target == null || !this.announced.compareAndSet(false, true)) {
			return;
		}
		target.publishEvent(new InstanceRegisteredEvent<>(this, this.config));
	}

}
