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

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The etcd members one client avoids, and why.
 * <p>
 * A member is <em>suspect</em> as soon as it leaves an exchange unanswered for longer
 * than the member timeout: from then on no new call or restarted stream goes to it, and
 * it is asked for its status on its own connection, with the same deadline. A suspect
 * that answers was only slow (a follower waiting for a new leader answers nothing else
 * for seconds) and is used again at once. One that does not answer is
 * <em>unresponsive</em>: every call still on it is moved to the other members, and it is
 * asked again periodically until it answers.
 * <p>
 * State changes happen on the watchdog's scheduler thread; {@link #avoids} is read by
 * gRPC's pickers on any thread.
 *
 * @author etcd-discovery authors
 */
final class MemberQuarantine {

	private static final Log logger = LogFactory.getLog(MemberQuarantine.class);

	private final Map<SocketAddress, Member> members = new ConcurrentHashMap<>();

	private final Duration timeout;

	private final Duration probeInterval;

	private final ScheduledExecutorService scheduler;

	private final BiConsumer<SocketAddress, String> moveCalls;

	private final AtomicLong failovers = new AtomicLong();

	/**
	 * Create a new quarantine.
	 * @param timeout how long a member may take to answer a status request
	 * @param probeInterval how often an unresponsive member is asked again
	 * @param scheduler the thread that owns the state
	 * @param moveCalls moves every call on a member, given its address and the reason
	 */
	MemberQuarantine(Duration timeout, Duration probeInterval, ScheduledExecutorService scheduler,
			BiConsumer<SocketAddress, String> moveCalls) {
		this.timeout = timeout;
		this.probeInterval = probeInterval;
		this.scheduler = scheduler;
		this.moveCalls = moveCalls;
	}

	/**
	 * Return whether new calls should avoid a member.
	 * @param address the member's address
	 * @return whether it is suspect or unresponsive
	 */
	boolean avoids(SocketAddress address) {
		Member member = this.members.get(address);
		return member != null && member.state != State.ANSWERING;
	}

	/**
	 * Record the connection a call was sent on, to ask the member on that connection
	 * later.
	 * @param address the member's address
	 * @param subchannel the connection
	 */
	void connected(SocketAddress address, Subchannel subchannel) {
		Member member = this.members.get(address);
		if (member == null) {
			member = this.members.computeIfAbsent(address, Member::new);
		}
		member.subchannel = subchannel;
	}

	/**
	 * Report that a member left an exchange unanswered for longer than the timeout. Call
	 * on the scheduler thread.
	 * @param address the member's address
	 * @param what what it left unanswered, for example {@code "a keep-alive"}
	 */
	void suspect(SocketAddress address, String what) {
		Member member = this.members.computeIfAbsent(address, Member::new);
		if (member.state != State.ANSWERING) {
			return;
		}
		member.state = State.SUSPECT;
		member.reason = what;
		member.since = System.nanoTime();
		probe(member);
	}

	/**
	 * Return how many times a member was found unresponsive and its calls were moved.
	 * @return the number of failovers
	 */
	long getFailovers() {
		return this.failovers.get();
	}

	/**
	 * Return the members that are currently found unresponsive.
	 * @return their addresses, {@code host:port}
	 */
	List<String> getUnresponsiveMembers() {
		return this.members.values()
			.stream()
			.filter((member) -> member.state == State.UNRESPONSIVE)
			.map((member) -> describe(member.address))
			.sorted()
			.toList();
	}

	private void probe(Member member) {
		Subchannel subchannel = member.subchannel;
		if (subchannel == null) {
			probed(member, Status.UNAVAILABLE.withDescription("no connection to it"));
			return;
		}
		try {
			ClientCall<StatusRequest, StatusResponse> call = subchannel.asChannel()
				.newCall(MaintenanceGrpc.getStatusMethod(),
						CallOptions.DEFAULT.withDeadlineAfter(this.timeout.toMillis(), TimeUnit.MILLISECONDS));
			ClientCalls.asyncUnaryCall(call, StatusRequest.getDefaultInstance(), new StreamObserver<>() {

				@Override
				public void onNext(StatusResponse value) {
				}

				@Override
				public void onError(Throwable error) {
					execute(() -> probed(member, Status.fromThrowable(error)));
				}

				@Override
				public void onCompleted() {
					execute(() -> probed(member, Status.OK));
				}

			});
		}
		catch (RuntimeException ex) {
			probed(member, Status.fromThrowable(ex));
		}
	}

	private void probed(Member member, Status status) {
		if (member.state == State.ANSWERING) {
			return;
		}
		if (status.isOk()) {
			if (member.state == State.UNRESPONSIVE) {
				logger.info("etcd member %s answers again after %dms: sending calls to it again"
					.formatted(describe(member.address), elapsedMillis(member.since)));
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("etcd member %s left %s unanswered for %dms but answers: it was slow, not hung"
					.formatted(describe(member.address), member.reason, elapsedMillis(member.since)));
			}
			member.state = State.ANSWERING;
			return;
		}
		if (member.state == State.SUSPECT) {
			member.state = State.UNRESPONSIVE;
			this.failovers.incrementAndGet();
			String reason = "%s unanswered for %dms and no status within %dms".formatted(member.reason,
					elapsedMillis(member.since), this.timeout.toMillis());
			logger.warn("etcd member %s stopped answering (%s): moving its calls to the other members"
				.formatted(describe(member.address), reason));
			this.moveCalls.accept(member.address,
					"etcd member " + describe(member.address) + " stopped answering (" + reason + ")");
		}
		try {
			this.scheduler.schedule(() -> probe(member), this.probeInterval.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed.
		}
	}

	private void execute(Runnable task) {
		try {
			this.scheduler.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Closed.
		}
	}

	private static long elapsedMillis(long since) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
	}

	static String describe(@Nullable SocketAddress address) {
		if (address instanceof InetSocketAddress inet) {
			String host = inet.getHostString();
			return (host.contains(":") ? "[" + host + "]" : host) + ":" + inet.getPort();
		}
		return String.valueOf(address);
	}

	private enum State {

		ANSWERING, SUSPECT, UNRESPONSIVE

	}

	private static final class Member {

		private final SocketAddress address;

		private volatile @Nullable Subchannel subchannel;

		private volatile State state = State.ANSWERING;

		private String reason = "";

		private long since;

		Member(SocketAddress address) {
			this.address = address;
		}

	}

}
