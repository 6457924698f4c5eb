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
import java.util.function.LongSupplier;

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
 * "Answers" means that the member sent anything back, an error included: see
 * {@link #isAnswer(Status.Code)}.
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

	private final LongSupplier nanoTime;

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
		this(timeout, probeInterval, scheduler, moveCalls, System::nanoTime);
	}

	/**
	 * Create a new quarantine that reads the time from the given clock.
	 * @param timeout how long a member may take to answer a status request
	 * @param probeInterval how often an unresponsive member is asked again
	 * @param scheduler the thread that owns the state
	 * @param moveCalls moves every call on a member, given its address and the reason
	 * @param nanoTime the clock, {@link System#nanoTime()} outside tests
	 */
	MemberQuarantine(Duration timeout, Duration probeInterval, ScheduledExecutorService scheduler,
			BiConsumer<SocketAddress, String> moveCalls, LongSupplier nanoTime) {
		this.timeout = timeout;
		this.probeInterval = probeInterval;
		this.scheduler = scheduler;
		this.moveCalls = moveCalls;
		this.nanoTime = nanoTime;
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
		member.connected(subchannel);
	}

	/**
	 * Report that a member left an exchange unanswered for longer than the timeout. Call
	 * on the scheduler thread.
	 * @param address the member's address
	 * @param what what it left unanswered, for example {@code "a keep-alive"}
	 */
	void suspect(SocketAddress address, String what) {
		Member member = this.members.computeIfAbsent(address, Member::new);
		if (!member.suspect(what, this.nanoTime.getAsLong())) {
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("etcd member %s left %s unanswered for more than %dms: avoiding it and asking for its status"
				.formatted(describe(address), what, this.timeout.toMillis()));
		}
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

	/**
	 * Return whether a probe that ended with the given code was answered by the member.
	 * <p>
	 * Any status the member itself sends back is an answer: the question is whether it is
	 * alive, not whether it grants the request. The probe carries no auth token (it goes
	 * over the bare connection, past jetcd's interceptors), and etcd refuses
	 * {@code Status} to anyone but an admin when authentication is on (etcd 3.6 since
	 * etcd-io/etcd#14663, 3.5 since 3.5.28: etcd-io/etcd#21663): {@code INVALID_ARGUMENT}
	 * "user name is empty" without a token, {@code PERMISSION_DENIED} for a user without
	 * the root role. Counting those as silence would quarantine every healthy member it
	 * asks.
	 * <p>
	 * Silence is what the client makes up itself when nothing came back: our deadline
	 * passed (a hung member), the connection was refused, lost or shut down
	 * ({@code UNAVAILABLE}), the call was cancelled, and what grpc-java's Netty transport
	 * reports for a stream broken by an HTTP/2 error ({@code INTERNAL}) or an unexpected
	 * exception ({@code UNKNOWN}). etcd's {@code Status} returns neither of the last two
	 * itself. Decided on the code alone, never on the description.
	 * @param code how the probe ended
	 * @return whether the member answered
	 */
	static boolean isAnswer(Status.Code code) {
		return switch (code) {
			case DEADLINE_EXCEEDED, UNAVAILABLE, CANCELLED, UNKNOWN, INTERNAL -> false;
			case OK, INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, RESOURCE_EXHAUSTED,
					FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, DATA_LOSS, UNAUTHENTICATED ->
				true;
		};
	}

	private void probe(Member member) {
		Subchannel subchannel = member.subchannel;
		if (subchannel == null) {
			probed(member, Status.UNAVAILABLE.withDescription("no connection to it"));
			return;
		}
		try {
			// Maintenance.Status, not Cluster.MemberList: etcd serves both locally,
			// without a leader, but a learner refuses MemberList with UNAVAILABLE,
			// which reads as silence, and answers Status. Nor does MemberList avoid
			// the refusals isAnswer accepts: since the fix for GHSA-q8m4-xhhv-38mg
			// (3.5.28, 3.6.9) etcd refuses it too without a token when auth is on.
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
		if (isAnswer(status.getCode())) {
			if (member.state == State.UNRESPONSIVE) {
				logger.info("etcd member %s answers again after %dms: sending calls to it again"
					.formatted(describe(member.address), elapsedMillis(member.since)));
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("etcd member %s left %s unanswered for %dms but answers (%s): it was slow, not hung"
					.formatted(describe(member.address), member.reason, elapsedMillis(member.since), status.getCode()));
			}
			member.answered();
			return;
		}
		if (member.unresponsive()) {
			this.failovers.incrementAndGet();
			String reason = "%s unanswered for %dms and no status within %dms, %s".formatted(member.reason,
					elapsedMillis(member.since), this.timeout.toMillis(), status.getCode());
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

	private long elapsedMillis(long since) {
		return TimeUnit.NANOSECONDS.toMillis(this.nanoTime.getAsLong() - since);
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

		void connected(Subchannel subchannel) {
			this.subchannel = subchannel;
		}

		/**
		 * Make an answering member suspect.
		 * @param what what it left unanswered
		 * @param now the time, in the quarantine's clock
		 * @return whether it was answering, so is suspect now
		 */
		boolean suspect(String what, long now) {
			if (this.state != State.ANSWERING) {
				return false;
			}
			this.state = State.SUSPECT;
			this.reason = what;
			this.since = now;
			return true;
		}

		void answered() {
			this.state = State.ANSWERING;
		}

		/**
		 * Make a suspect member unresponsive.
		 * @return whether it was suspect, so is unresponsive now
		 */
		boolean unresponsive() {
			if (this.state != State.SUSPECT) {
				return false;
			}
			this.state = State.UNRESPONSIVE;
			return true;
		}

	}

}
