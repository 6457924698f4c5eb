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

package io.etcddiscovery.discovery;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Starts a {@link ServiceCache} when the application context starts and closes it when
 * the context stops.
 * <p>
 * {@link #PHASE} is below the phases of the web server ({@code DEFAULT_PHASE - 1024} for
 * its graceful shutdown, {@code DEFAULT_PHASE - 2048} for the server itself) and of
 * registration ({@code DEFAULT_PHASE - 512}): the cache starts before the server accepts
 * requests, and stops only after the server has drained them, so that requests in flight
 * can still find other services. Starting never blocks: the first listing happens in the
 * background, also when etcd is down.
 *
 * @author etcd-discovery authors
 */
public class ServiceCacheLifecycle implements SmartLifecycle {

	/**
	 * The phase of this lifecycle: below the web server's.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final ServiceCache cache;

	private volatile boolean running;

	/**
	 * Create a new lifecycle.
	 * @param cache the cache
	 */
	public ServiceCacheLifecycle(ServiceCache cache) {
		Assert.notNull(cache, "'cache' must not be null");
		this.cache = cache;
	}

	@Override
	public void start() {
		this.cache.start();
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.cache.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
