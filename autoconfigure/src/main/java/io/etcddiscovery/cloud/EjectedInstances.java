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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.ServiceInstances;
import io.etcddiscovery.discovery.Subscription;
import io.etcddiscovery.etcd.Durations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.Assert;

/**
 * The instances that every load balancer of this application skips because they refused a
 * connection (passive ejection, as Envoy's outlier detection does it): a crashed instance
 * stays in etcd until its lease expires, and without this each load balancer would keep
 * sending it a share of its requests until then.
 * <p>
 * An instance is ejected when a request to it fails with a {@linkplain ConnectFailures
 * connect failure} ({@link EjectingLoadBalancerLifecycle} reports it), and stays ejected
 * until one of:
 * <ul>
 * <li>it accepts connections again: a TCP connection to it is tried every probe interval,
 * on the prober (the auto-configuration's {@value #THREAD_NAME_PREFIX}1 thread, so that
 * blocking connects stay off the shared workers), with the probe interval as its timeout;
 * a request to it that is answered counts too;</li>
 * <li>etcd removes it: its address is no longer among the instances of its service in the
 * cache.</li>
 * </ul>
 * Instances are told apart by service and address ({@code host:port}). An instance the
 * cache no longer holds when the failure is reported is not ejected (its removal reached
 * the cache first), unless etcd holds no instance of its service at all: then it came
 * from another discovery client, and only a probe ends its ejection.
 * {@link EjectionAwareServiceInstanceListSupplier} does the skipping.
 *
 * @author etcd-discovery authors
 */
public class EjectedInstances implements AutoCloseable {

	/**
	 * Prefix of the name of the thread that probes ejected instances, the
	 * auto-configuration's prober.
	 */
	public static final String THREAD_NAME_PREFIX = "etcd-discovery-ejections-";

	private static final Log logger = LogFactory.getLog(EjectedInstances.class);

	private final ServiceCache cache;

	private final Duration probeInterval;

	private final Clock clock;

	private final Map<InstanceAddress, Ejection> ejected = new ConcurrentHashMap<>();

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	private final TaskScheduler prober;

	private final Subscription cacheSubscription;

	private final AtomicLong ejections = new AtomicLong();

	private final AtomicLong answered = new AtomicLong();

	private final AtomicLong removed = new AtomicLong();

	private volatile boolean closed;

	/**
	 * Create a new registry of ejected instances, following the cache's changes.
	 * @param cache the cache, which tells when etcd removed an instance
	 * @param probeInterval how often an ejected instance is probed, also the timeout of
	 * each probe
	 * @param clock the clock
	 * @param prober the scheduler the probes run on, its owner's to shut down; its tasks
	 * block for up to the probe interval
	 */
	public EjectedInstances(ServiceCache cache, Duration probeInterval, Clock clock, TaskScheduler prober) {
		Assert.notNull(cache, "'cache' must not be null");
		Assert.isTrue(probeInterval != null && !probeInterval.isNegative() && !probeInterval.isZero(),
				"'probeInterval' must be positive");
		Assert.notNull(clock, "'clock' must not be null");
		Assert.notNull(prober, "'prober' must not be null");
		this.cache = cache;
		this.probeInterval = probeInterval;
		this.clock = clock;
		this.prober = prober;
		this.cacheSubscription = cache.subscribeAll(this::serviceChanged);
	}

	/**
	 * Eject an instance that failed to accept a connection, unless it is ejected already
	 * or etcd no longer holds it.
	 * @param service the service
	 * @param instanceId the instance id, or {@code null} if unknown
	 * @param host the instance's host
	 * @param port the instance's port
	 * @param failure the connect failure
	 * @return whether the instance was ejected by this call
	 */
	public boolean eject(String service, @Nullable String instanceId, String host, int port, Throwable failure) {
		Assert.notNull(service, "'service' must not be null");
		Assert.notNull(host, "'host' must not be null");
		InstanceAddress address = new InstanceAddress(service, host, port);
		if (this.closed || this.ejected.containsKey(address)) {
			return false;
		}
		// Never waits: before the first listing the cache is taken as holding nothing,
		// unless it answers from last-known instances: the listing that drops one of
		// those
		// ends its ejection.
		ServiceInstances cached = (this.cache.isListed() || this.cache.isServingLastKnown()) ? this.cache.get(service)
				: ServiceInstances.empty(service);
		boolean inEtcd = holds(cached, address);
		if (!inEtcd && !cached.isEmpty()) {
			// etcd removed it already: the load balancers have dropped it or will.
			return false;
		}
		Ejection ejection = new Ejection(address, instanceId, inEtcd, this.clock.instant(),
				ConnectFailures.describe(failure));
		if (this.ejected.putIfAbsent(address, ejection) != null) {
			return false;
		}
		this.ejections.incrementAndGet();
		logger.warn(
				"Ejected %s from load balancing: %s. Skipped by every load balancer of this application until it accepts connections again%s"
					.formatted(ejection.describe(), ejection.cause, inEtcd ? " or etcd removes it" : ""));
		try {
			ejection.probing(this.prober.scheduleWithFixedDelay(() -> probe(ejection),
					this.prober.getClock().instant().plus(this.probeInterval), this.probeInterval));
		}
		catch (RejectedExecutionException ex) {
			// Closing: nothing will be probed any more.
		}
		changed();
		return true;
	}

	/**
	 * Note that an instance answered a request: it is no longer ejected.
	 * @param service the service
	 * @param host the instance's host
	 * @param port the instance's port
	 */
	public void answered(String service, String host, int port) {
		if (!this.ejected.isEmpty()) {
			end(new InstanceAddress(service, host, port), EndReason.ANSWERED);
		}
	}

	/**
	 * Whether the given instance is ejected.
	 * @param service the service
	 * @param host the instance's host
	 * @param port the instance's port
	 * @return whether load balancers skip it
	 */
	public boolean isEjected(String service, String host, int port) {
		return !this.ejected.isEmpty() && this.ejected.containsKey(new InstanceAddress(service, host, port));
	}

	/**
	 * Whether no instance is ejected.
	 * @return whether the load balancers skip nothing
	 */
	public boolean isEmpty() {
		return this.ejected.isEmpty();
	}

	/**
	 * Call a listener each time an instance is ejected or answers again, on the thread
	 * that made the change; not when etcd removed an ejected instance (the instance
	 * leaves the load balancers with the cache's next list). The listener must return
	 * quickly and never block.
	 * @param listener the listener
	 * @return the subscription, to close when no longer interested
	 */
	public Subscription onChange(Runnable listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	/**
	 * Return the number of instances ejected now.
	 * @return the number of ejected instances
	 */
	public int getEjectedCount() {
		return this.ejected.size();
	}

	/**
	 * Return how many instances were ejected since the application started.
	 * @return the number of ejections
	 */
	public long getEjections() {
		return this.ejections.get();
	}

	/**
	 * Return how many ejections ended for the given reason since the application started.
	 * @param reason the reason
	 * @return the number of ejections that ended so
	 */
	public long getEnded(EndReason reason) {
		return (reason == EndReason.ANSWERED) ? this.answered.get() : this.removed.get();
	}

	/**
	 * Describe the ejected instances, for the discovery endpoint.
	 * @return the description
	 */
	public EjectionsDescriptor describe() {
		List<EjectedInstanceDescriptor> instances = this.ejected.values()
			.stream()
			.sorted(Comparator.comparing((Ejection ejection) -> ejection.since))
			.map(Ejection::descriptor)
			.toList();
		return new EjectionsDescriptor(instances, this.ejections.get(),
				Map.of("answered", this.answered.get(), "removed", this.removed.get()));
	}

	@Override
	public void close() {
		this.closed = true;
		this.cacheSubscription.close();
		this.ejected.values().forEach(Ejection::stopProbing);
	}

	private void probe(Ejection ejection) {
		if (this.closed) {
			return;
		}
		InstanceAddress address = ejection.address;
		ejection.probeStarted(this.clock.instant());
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(address.host(), address.port()), (int) this.probeInterval.toMillis());
		}
		catch (IOException | IllegalArgumentException | SecurityException ex) {
			ejection.probeFailed();
			return;
		}
		end(address, EndReason.ANSWERED);
	}

	private void serviceChanged(ServiceInstances instances) {
		for (Ejection ejection : this.ejected.values()) {
			if (ejection.inEtcd && ejection.address.service().equals(instances.service())
					&& !holds(instances, ejection.address)) {
				end(ejection.address, EndReason.REMOVED);
			}
		}
	}

	private void end(InstanceAddress address, EndReason reason) {
		Ejection ejection = this.ejected.remove(address);
		if (ejection == null) {
			return;
		}
		ejection.stopProbing();
		((reason == EndReason.ANSWERED) ? this.answered : this.removed).incrementAndGet();
		String ejectedFor = Durations.format(Duration.between(ejection.since, this.clock.instant()));
		if (reason == EndReason.ANSWERED) {
			logger.info("%s is back in load balancing: it accepts connections again (ejected for %s)"
				.formatted(ejection.describe(), ejectedFor));
		}
		else {
			logger.info("%s is no longer ejected: etcd removed it (ejected for %s)".formatted(ejection.describe(),
					ejectedFor));
			// Not told to the load balancers: their lists drop the instance when the
			// cache
			// hands them the new list, which may come after this. Told now, they would be
			// offered it again, from the list they hold, until then.
			return;
		}
		changed();
	}

	private void changed() {
		for (Runnable listener : this.listeners) {
			try {
				listener.run();
			}
			catch (RuntimeException ex) {
				logger.warn("A listener of ejected instances failed: " + ex, ex);
			}
		}
	}

	private static boolean holds(ServiceInstances instances, InstanceAddress address) {
		for (DiscoveredInstance instance : instances.all()) {
			if (instance.port() == address.port() && instance.host().equalsIgnoreCase(address.host())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Why an ejection ended.
	 */
	public enum EndReason {

		/**
		 * The instance accepted a connection, or answered a request.
		 */
		ANSWERED,

		/**
		 * etcd no longer holds the instance.
		 */
		REMOVED

	}

	/**
	 * The ejected instances, for the discovery endpoint.
	 *
	 * @param ejected the instances ejected now, oldest first
	 * @param ejections how many instances were ejected since the application started
	 * @param ejectionsEnded how many ejections ended since, by reason ({@code answered},
	 * {@code removed})
	 */
	public record EjectionsDescriptor(List<EjectedInstanceDescriptor> ejected, long ejections,
			Map<String, Long> ejectionsEnded) {

	}

	/**
	 * One ejected instance.
	 *
	 * @param service the service
	 * @param instanceId the instance id, if known
	 * @param address {@code host:port}
	 * @param since when it was ejected
	 * @param cause the connect failure that ejected it
	 * @param inEtcd whether etcd held it when it was ejected (else it came from another
	 * discovery client)
	 * @param failedProbes probes it refused or did not answer in time since
	 * @param lastProbeAt when it was last probed
	 */
	public record EjectedInstanceDescriptor(String service, @Nullable String instanceId, String address, Instant since,
			String cause, boolean inEtcd, int failedProbes, @Nullable Instant lastProbeAt) {

	}

}
