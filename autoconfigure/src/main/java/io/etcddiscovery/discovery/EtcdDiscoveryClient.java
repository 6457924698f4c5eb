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

import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Finds the instances of other services registered in etcd, from a {@link ServiceCache}.
 * The API of this library for applications that do not use Spring Cloud.
 * <p>
 * Lookups return only the instances whose status is UP unless configured otherwise
 * ({@code discovery.client.only-up}); {@link #allInstances(String)} returns every
 * instance.
 *
 * @author etcd-discovery authors
 */
public class EtcdDiscoveryClient {

	private final ServiceCache cache;

	private final boolean onlyUp;

	/**
	 * Create a new client.
	 * @param cache the cache to read from
	 * @param onlyUp whether lookups return only the instances whose status is UP
	 */
	public EtcdDiscoveryClient(ServiceCache cache, boolean onlyUp) {
		Assert.notNull(cache, "'cache' must not be null");
		this.cache = cache;
		this.onlyUp = onlyUp;
	}

	/**
	 * Return the instances of a service to send requests to, ordered by instance id.
	 * @param service the service
	 * @return the instances, UP only unless configured otherwise; empty if there are none
	 */
	public List<DiscoveredInstance> instances(String service) {
		return this.onlyUp ? this.cache.upInstances(service) : this.cache.instances(service);
	}

	/**
	 * Return every instance of a service, whatever its status, ordered by instance id.
	 * @param service the service
	 * @return the instances, empty if there are none
	 */
	public List<DiscoveredInstance> allInstances(String service) {
		return this.cache.instances(service);
	}

	/**
	 * Return the names of the services that have at least one instance, whatever its
	 * status, sorted.
	 * @return the service names
	 */
	public List<String> services() {
		return this.cache.services();
	}

	/**
	 * Notify a listener of the instances {@link #instances(String)} returns for a
	 * service: first of the current ones, once etcd has been listed (or the initial
	 * lookup timeout has passed), then each time they change. The listener is called on
	 * the cache's listener thread, one call at a time; it should return quickly.
	 * @param service the service
	 * @param listener the listener
	 * @return the subscription, to close when no longer interested
	 */
	public Subscription subscribe(String service, Consumer<List<DiscoveredInstance>> listener) {
		Assert.notNull(listener, "'listener' must not be null");
		return this.cache.subscribe(service, new Consumer<>() {

			// Only touched on the listener thread.
			private @Nullable List<DiscoveredInstance> last;

			@Override
			public void accept(ServiceInstances instances) {
				List<DiscoveredInstance> current = EtcdDiscoveryClient.this.onlyUp ? instances.up() : instances.all();
				// Lists that did not change are shared: a change of an instance that is
				// not UP does not concern a listener of UP instances.
				if (current != this.last) {
					this.last = current;
					listener.accept(current);
				}
			}

		});
	}

	/**
	 * Return whether lookups return only the instances whose status is UP.
	 * @return whether lookups filter by status
	 */
	public boolean isOnlyUp() {
		return this.onlyUp;
	}

	/**
	 * Return the cache this client reads from.
	 * @return the cache
	 */
	public ServiceCache getCache() {
		return this.cache;
	}

}
