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

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.ServiceCacheLifecycle;
import io.etcddiscovery.discovery.ServiceInstances;
import io.etcddiscovery.discovery.Subscription;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Publishes Spring Cloud's {@link HeartbeatEvent} when the instances in the cache change,
 * so that consumers that follow the catalog (Spring Cloud Gateway's discovery locator,
 * Spring Boot Admin in discovery mode) see every change. The event's value is the etcd
 * revision the cache has reached.
 * <p>
 * Only real changes count: an unchanged listing, a watch event delivered twice, a watch
 * resumed, or time passing publish nothing, so consumers never rebuild for nothing.
 * Changes are coalesced: the first change schedules one event after {@code delay}, and
 * every change until then is part of it, so a burst (a re-listing, a rolling restart)
 * costs consumers one rebuild. Events are published on the {@link CloudEventExecutor}'s
 * thread, between the start and the stop of this lifecycle only.
 *
 * @author etcd-discovery authors
 */
public class HeartbeatEventPublisher implements SmartLifecycle, ApplicationEventPublisherAware {

	/**
	 * The phase of this lifecycle: it starts right after the cache and stops right before
	 * it.
	 */
	public static final int PHASE = ServiceCacheLifecycle.PHASE + 1;

	private static final Log logger = LogFactory.getLog(HeartbeatEventPublisher.class);

	private final ServiceCache cache;

	private final CloudEventExecutor executor;

	private final Duration delay;

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final AtomicLong published = new AtomicLong();

	private @Nullable ApplicationEventPublisher eventPublisher;

	private volatile @Nullable Subscription subscription;

	private volatile boolean running;

	// Only touched on the executor's thread.
	private long lastRevision = -1;

	/**
	 * Create a new publisher.
	 * @param cache the cache whose changes are published
	 * @param executor the thread events are published on
	 * @param delay how long changes are collected into one event
	 */
	public HeartbeatEventPublisher(ServiceCache cache, CloudEventExecutor executor, Duration delay) {
		Assert.notNull(cache, "'cache' must not be null");
		Assert.notNull(executor, "'executor' must not be null");
		Assert.isTrue(delay != null && !delay.isNegative(), "'delay' must not be negative");
		this.cache = cache;
		this.executor = executor;
		this.delay = delay;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher applicationEventPublisher) {
		this.eventPublisher = applicationEventPublisher;
	}

	@Override
	public void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		this.subscription = this.cache.subscribeAll(this::changed);
	}

	@Override
	public void stop() {
		this.running = false;
		Subscription current = this.subscription;
		this.subscription = null;
		if (current != null) {
			current.close();
		}
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
	 * Return how many events were published.
	 * @return the number of events
	 */
	public long getPublished() {
		return this.published.get();
	}

	// The cache's listener thread: only schedules.
	private void changed(ServiceInstances instances) {
		if (this.running && this.scheduled.compareAndSet(false, true)) {
			this.executor.schedule(this::publish, this.delay);
		}
	}

	private void publish() {
		// Cleared first: a change notified from now on schedules the next event.
		this.scheduled.set(false);
		ApplicationEventPublisher target = this.eventPublisher;
		long revision = this.cache.getRevision();
		if (!this.running || target == null || revision == this.lastRevision) {
			return;
		}
		this.lastRevision = revision;
		this.published.incrementAndGet();
		if (logger.isDebugEnabled()) {
			logger.debug("Instances in %s changed: publishing HeartbeatEvent at revision %d"
				.formatted(this.cache.getPrefix(), revision));
		}
		target.publishEvent(new HeartbeatEvent(this, revision));
	}

}
