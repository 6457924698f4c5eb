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

package io.etcddiscovery.grpc;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.Subscription;
import io.etcddiscovery.etcd.HostAndPort;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import org.jspecify.annotations.Nullable;

/**
 * Resolves one service to the addresses of its instances in etcd, pushed by the cache on
 * every change.
 *
 * @author etcd-discovery authors
 */
final class EtcdNameResolver extends NameResolver {

	private static final String WEIGHT = "weight";

	private static final String DRAINED = "0";

	private final EtcdDiscoveryClient discovery;

	private final String service;

	private final SynchronizationContext synchronizationContext;

	private final @Nullable Executor offloadExecutor;

	private final AtomicLong updates = new AtomicLong();

	// Fields below are only touched in the synchronization context.

	private @Nullable Listener2 listener;

	private @Nullable Subscription subscription;

	private long reported;

	private boolean shutdown;

	EtcdNameResolver(EtcdDiscoveryClient discovery, String service, SynchronizationContext synchronizationContext,
			@Nullable Executor offloadExecutor) {
		this.discovery = discovery;
		this.service = service;
		this.synchronizationContext = synchronizationContext;
		this.offloadExecutor = offloadExecutor;
	}

	@Override
	public String getServiceAuthority() {
		return this.service;
	}

	@Override
	public void start(Listener2 listener) {
		this.listener = listener;
		this.subscription = this.discovery.subscribe(this.service, this::instancesChanged);
	}

	private void instancesChanged(List<DiscoveredInstance> instances) {
		long update = this.updates.incrementAndGet();
		// Building addresses may resolve host names: not on the cache's listener thread.
		Runnable resolve = () -> {
			List<EquivalentAddressGroup> groups = addressGroups(instances);
			this.synchronizationContext.execute(() -> report(update, groups));
		};
		if (this.offloadExecutor != null) {
			this.offloadExecutor.execute(resolve);
		}
		else {
			resolve.run();
		}
	}

	private static List<EquivalentAddressGroup> addressGroups(List<DiscoveredInstance> instances) {
		List<EquivalentAddressGroup> groups = new ArrayList<>(instances.size());
		for (DiscoveredInstance instance : instances) {
			if (isDrained(instance)) {
				continue;
			}
			HostAndPort address = instance.grpcAddress();
			groups.add(new EquivalentAddressGroup(new InetSocketAddress(address.host(), address.port())));
		}
		return groups;
	}

	// Drained (weight 0, set with POST /actuator/discovery): no new call, as for Spring
	// Cloud LoadBalancer (DrainAwareServiceInstanceListSupplier). gRPC's stock policies
	// take no other weight from a resolver.
	private static boolean isDrained(DiscoveredInstance instance) {
		return DRAINED.equals(instance.metadata().get(WEIGHT));
	}

	private void report(long update, List<EquivalentAddressGroup> groups) {
		// Updates are resolved concurrently: never report an older one after a newer.
		if (this.shutdown || this.listener == null || update < this.reported) {
			return;
		}
		this.reported = update;
		StatusOr<List<EquivalentAddressGroup>> addresses = groups.isEmpty()
				? StatusOr.fromStatus(Status.UNAVAILABLE.withDescription(
						"No instance of service '%s' in etcd takes calls (UP and not drained)".formatted(this.service)))
				: StatusOr.fromValue(groups);
		this.listener.onResult2(ResolutionResult.newBuilder().setAddressesOrError(addresses).build());
	}

	@Override
	public void refresh() {
		// Nothing to do: the cache pushes every change.
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
		if (this.subscription != null) {
			this.subscription.close();
		}
	}

}
