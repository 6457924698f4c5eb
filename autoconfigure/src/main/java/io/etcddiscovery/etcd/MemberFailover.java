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

package io.etcddiscovery.etcd;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ClientBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Moves an etcd client off a member that stopped answering (paused, hung, partitioned
 * away) before the leases it keeps alive run out, while the other members answer.
 * <p>
 * Such a member keeps its TCP connections open, so neither gRPC nor jetcd notice it: the
 * keep-alive stream, the watches and new calls stay on it until the lease has expired at
 * the leader. gRPC's own keepalive cannot help in time: grpc-java sends its first ping no
 * sooner than 10 seconds after the last byte received, and etcd answers pings more
 * frequent than every 5 seconds ({@code --grpc-keepalive-min-time}) with a GOAWAY.
 * <p>
 * Instead a {@link MemberWatchdog} times every exchange of the client's calls; a member
 * that leaves one unanswered for longer than {@code memberTimeout} is avoided by the
 * client's load balancer at once, and asked for its status on its own connection. If it
 * does not answer that either, every call on it is moved to the other members: the
 * keep-alive stream restarts and watches resume from their revision (no re-listing). The
 * member is used again as soon as it answers.
 * <p>
 * {@link #configure(ClientBuilder)} installs it on a client's builder: an interceptor,
 * and a load balancing policy that is {@code round_robin} apart from avoiding such
 * members. The policy, {@code etcd_discovery_round_robin}, is registered in gRPC's
 * default {@code LoadBalancerRegistry}, which every gRPC channel of the application
 * shares, and stays there; channels that do not ask for it by name are not affected.
 *
 * @author etcd-discovery authors
 */
public final class MemberFailover implements AutoCloseable {

	private final Duration memberTimeout;

	private final ScheduledExecutorService scheduler;

	private final MemberWatchdog watchdog;

	private final MemberQuarantine quarantine;

	private volatile @Nullable ScheduledFuture<?> checks;

	private volatile boolean installed;

	/**
	 * Create a new failover. Nothing happens until {@link #configure(ClientBuilder)}.
	 * @param memberTimeout how long a member may leave a keep-alive, a watch request or a
	 * call unanswered before calls avoid it
	 * @param idleWatchInterval how long a watch may receive nothing before the member
	 * serving it is asked for progress
	 * @param scheduler the thread that times the calls and asks members; shut down by its
	 * owner
	 */
	public MemberFailover(Duration memberTimeout, Duration idleWatchInterval, ScheduledExecutorService scheduler) {
		Assert.isTrue(memberTimeout != null && memberTimeout.toMillis() > 0, "'memberTimeout' must be positive");
		Assert.isTrue(idleWatchInterval != null && idleWatchInterval.toMillis() > 0,
				"'idleWatchInterval' must be positive");
		Assert.notNull(scheduler, "'scheduler' must not be null");
		this.memberTimeout = memberTimeout;
		this.scheduler = scheduler;
		this.watchdog = new MemberWatchdog(memberTimeout, idleWatchInterval);
		Duration probeInterval = (memberTimeout.compareTo(Duration.ofSeconds(1)) > 0) ? memberTimeout
				: Duration.ofSeconds(1);
		this.quarantine = new MemberQuarantine(memberTimeout, probeInterval, scheduler, this.watchdog::moveCalls);
		this.watchdog.setQuarantine(this.quarantine);
	}

	/**
	 * Install this failover on a client's builder and start timing its calls.
	 * @param builder the builder
	 * @return the builder
	 */
	public synchronized ClientBuilder configure(ClientBuilder builder) {
		MemberAvoidingLoadBalancerProvider.register();
		builder.loadBalancerPolicy(MemberAvoidingLoadBalancerProvider.POLICY_NAME);
		builder.interceptor(this.watchdog);
		this.installed = true;
		if (this.checks == null) {
			long period = Math.max(20, Math.min(250, this.memberTimeout.toMillis() / 5));
			this.checks = this.scheduler.scheduleWithFixedDelay(this.watchdog::check, period, period,
					TimeUnit.MILLISECONDS);
		}
		return builder;
	}

	/**
	 * Return whether this failover was installed on a client's builder.
	 * @return whether it watches a client
	 */
	public boolean isInstalled() {
		return this.installed;
	}

	/**
	 * Return how long a member may leave an exchange unanswered.
	 * @return the member timeout
	 */
	public Duration getMemberTimeout() {
		return this.memberTimeout;
	}

	/**
	 * Return how many times a member was found unresponsive and the client's calls moved
	 * off it.
	 * @return the number of failovers
	 */
	public long getFailovers() {
		return this.quarantine.getFailovers();
	}

	/**
	 * Return the members currently found unresponsive.
	 * @return their addresses, {@code host:port}, sorted
	 */
	public List<String> getUnresponsiveMembers() {
		return this.quarantine.getUnresponsiveMembers();
	}

	/**
	 * Stop timing calls.
	 */
	@Override
	public synchronized void close() {
		ScheduledFuture<?> current = this.checks;
		if (current != null) {
			current.cancel(false);
		}
	}

}
