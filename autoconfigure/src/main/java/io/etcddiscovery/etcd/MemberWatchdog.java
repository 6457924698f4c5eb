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

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import io.etcd.jetcd.api.WatchProgressRequest;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Times every exchange of every call of one etcd client, and notices the member that
 * leaves one unanswered for longer than the member timeout.
 * <p>
 * An exchange is a keep-alive request on the lease keep-alive stream and its reply, a
 * request on a watch stream (create, progress) and the next response, or a unary call and
 * its response. A watch stream that received nothing for the idle interval is asked for
 * its progress, so that a silent member is noticed on an idle watch too; the reply is
 * kept from jetcd (it would move a resumed watch's revision ahead of events not yet
 * delivered).
 * <p>
 * When an exchange is overdue the member becomes suspect in the {@link MemberQuarantine}.
 * An overdue keep-alive stream is restarted on another member at once: a renewal cannot
 * wait. Other calls stay until the member is found unresponsive, then every call on it is
 * cancelled with status {@code UNAVAILABLE}, which jetcd answers by restarting its
 * keep-alive stream and resuming its watches from their last revision, on another member.
 *
 * @author etcd-discovery authors
 */
final class MemberWatchdog implements ClientInterceptor {

	private static final Log logger = LogFactory.getLog(MemberWatchdog.class);

	static final String KEEP_ALIVE_METHOD = "etcdserverpb.Lease/LeaseKeepAlive";

	static final String WATCH_METHOD = "etcdserverpb.Watch/Watch";

	private final Set<TrackedCall<?, ?>> calls = ConcurrentHashMap.newKeySet();

	private final long timeoutNanos;

	private final long idleWatchNanos;

	private final Duration timeout;

	private final LongSupplier nanoTime;

	private @Nullable MemberQuarantine quarantine;

	/**
	 * Create a new watchdog.
	 * @param timeout how long a member may leave an exchange unanswered
	 * @param idleWatchInterval how long a watch stream may receive nothing before it is
	 * asked for its progress
	 */
	MemberWatchdog(Duration timeout, Duration idleWatchInterval) {
		this(timeout, idleWatchInterval, System::nanoTime);
	}

	/**
	 * Create a new watchdog that reads the time from the given clock.
	 * @param timeout how long a member may leave an exchange unanswered
	 * @param idleWatchInterval how long a watch stream may receive nothing before it is
	 * asked for its progress
	 * @param nanoTime the clock, {@link System#nanoTime()} outside tests
	 */
	MemberWatchdog(Duration timeout, Duration idleWatchInterval, LongSupplier nanoTime) {
		this.timeout = timeout;
		this.timeoutNanos = timeout.toNanos();
		this.idleWatchNanos = idleWatchInterval.toNanos();
		this.nanoTime = nanoTime;
	}

	void setQuarantine(MemberQuarantine quarantine) {
		this.quarantine = quarantine;
	}

	@Override
	public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
			CallOptions callOptions, Channel next) {
		MemberQuarantine current = this.quarantine;
		if (current == null) {
			return next.newCall(method, callOptions);
		}
		CallTarget target = new CallTarget(current);
		return new TrackedCall<>(next.newCall(method, callOptions.withOption(CallTarget.KEY, target)), Kind.of(method),
				target);
	}

	/**
	 * Look for overdue exchanges and idle watches. Call on the scheduler thread.
	 */
	void check() {
		MemberQuarantine current = this.quarantine;
		if (current == null) {
			return;
		}
		long now = this.nanoTime.getAsLong();
		for (TrackedCall<?, ?> call : this.calls) {
			call.check(now, current);
		}
	}

	/**
	 * Cancel every call on a member with status {@code UNAVAILABLE}.
	 * @param member the member's address
	 * @param reason why, the status's description
	 */
	void moveCalls(SocketAddress member, String reason) {
		int moved = 0;
		for (TrackedCall<?, ?> call : this.calls) {
			if (member.equals(call.member()) && call.move(reason)) {
				moved++;
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Moved %d call%s off etcd member %s".formatted(moved, (moved != 1) ? "s" : "",
					MemberQuarantine.describe(member)));
		}
	}

	/**
	 * Return how many calls are in flight.
	 * @return the number of calls
	 */
	int callsInFlight() {
		return this.calls.size();
	}

	private enum Kind {

		KEEP_ALIVE("a keep-alive"), WATCH("a watch request"), UNARY("a request"), OTHER(null);

		private final @Nullable String exchange;

		Kind(@Nullable String exchange) {
			this.exchange = exchange;
		}

		static Kind of(MethodDescriptor<?, ?> method) {
			if (KEEP_ALIVE_METHOD.equals(method.getFullMethodName())) {
				return KEEP_ALIVE;
			}
			if (WATCH_METHOD.equals(method.getFullMethodName())) {
				return WATCH;
			}
			return (method.getType() == MethodDescriptor.MethodType.UNARY) ? UNARY : OTHER;
		}

	}

	/**
	 * One call: what it waits for since when. Calls into the real call are serialised, so
	 * that a progress request the watchdog sends never interleaves with jetcd's.
	 */
	private final class TrackedCall<ReqT, RespT> extends ForwardingClientCall<ReqT, RespT> {

		private final ClientCall<ReqT, RespT> delegate;

		private final Kind kind;

		private final CallTarget target;

		// Since when a request is unanswered (the watchdog's clock), 0 when none is.
		private volatile long pendingSince;

		private volatile long lastReceived;

		private volatile boolean received;

		private volatile boolean reported;

		private volatile boolean progressRequested;

		private volatile @Nullable String movedBecause;

		private boolean halfClosed;

		TrackedCall(ClientCall<ReqT, RespT> delegate, Kind kind, CallTarget target) {
			this.delegate = delegate;
			this.kind = kind;
			this.target = target;
		}

		@Override
		protected ClientCall<ReqT, RespT> delegate() {
			return this.delegate;
		}

		@Override
		public synchronized void start(Listener<RespT> responseListener, Metadata headers) {
			MemberWatchdog.this.calls.add(this);
			this.lastReceived = MemberWatchdog.this.nanoTime.getAsLong();
			super.start(new TrackingListener(responseListener), headers);
		}

		@Override
		public synchronized void sendMessage(ReqT message) {
			if (this.pendingSince == 0) {
				this.pendingSince = nonZero(MemberWatchdog.this.nanoTime.getAsLong());
			}
			super.sendMessage(message);
		}

		@Override
		public synchronized void halfClose() {
			this.halfClosed = true;
			super.halfClose();
		}

		@Override
		public synchronized void request(int numMessages) {
			super.request(numMessages);
		}

		@Override
		public synchronized void cancel(@Nullable String message, @Nullable Throwable cause) {
			super.cancel(message, cause);
		}

		@Nullable SocketAddress member() {
			SocketAddress member = this.target.member();
			if (member == null) {
				// A policy of the user's instead of ours: ask the transport.
				member = getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
			}
			return member;
		}

		void check(long now, MemberQuarantine quarantine) {
			long since = this.pendingSince;
			if (since != 0) {
				if (!this.reported && this.kind.exchange != null && now - since > MemberWatchdog.this.timeoutNanos) {
					SocketAddress member = member();
					if (member == null) {
						// Not sent yet: the channel has no member to give it.
						return;
					}
					this.reported = true;
					if (this.kind == Kind.KEEP_ALIVE) {
						move("etcd member %s did not answer a keep-alive within %dms"
							.formatted(MemberQuarantine.describe(member), MemberWatchdog.this.timeout.toMillis()));
					}
					quarantine.suspect(member, this.kind.exchange);
				}
			}
			else if (this.kind == Kind.WATCH && this.received && !this.progressRequested
					&& now - this.lastReceived > MemberWatchdog.this.idleWatchNanos) {
				requestProgress();
			}
		}

		@SuppressWarnings("unchecked")
		private synchronized void requestProgress() {
			if (this.halfClosed || this.movedBecause != null) {
				return;
			}
			this.progressRequested = true;
			this.pendingSince = nonZero(MemberWatchdog.this.nanoTime.getAsLong());
			try {
				super.sendMessage((ReqT) WatchRequest.newBuilder()
					.setProgressRequest(WatchProgressRequest.getDefaultInstance())
					.build());
			}
			catch (RuntimeException ex) {
				// Closed meanwhile.
				this.pendingSince = 0;
			}
		}

		/**
		 * Cancel this call, reporting {@code UNAVAILABLE} to jetcd.
		 * @param reason the status's description
		 * @return whether the call was cancelled now
		 */
		synchronized boolean move(String reason) {
			if (this.movedBecause != null || !MemberWatchdog.this.calls.contains(this)) {
				return false;
			}
			this.movedBecause = reason;
			super.cancel(reason, null);
			return true;
		}

		private void received(RespT message) {
			this.pendingSince = 0;
			this.reported = false;
			this.received = true;
			this.lastReceived = MemberWatchdog.this.nanoTime.getAsLong();
		}

		private void progressReplied() {
			this.progressRequested = false;
		}

		private boolean isProgressReply(RespT message) {
			return this.progressRequested && message instanceof WatchResponse response && response.getWatchId() == -1
					&& !response.getCreated() && !response.getCanceled() && response.getEventsCount() == 0
					&& response.getCompactRevision() == 0;
		}

		private static long nonZero(long nanos) {
			return (nanos != 0) ? nanos : 1;
		}

		/**
		 * Sees every response first.
		 */
		private final class TrackingListener
				extends ForwardingClientCallListener.SimpleForwardingClientCallListener<RespT> {

			TrackingListener(Listener<RespT> delegate) {
				super(delegate);
			}

			@Override
			public void onMessage(RespT message) {
				received(message);
				if (isProgressReply(message)) {
					progressReplied();
					// Swallowed: ask for the next message in jetcd's stead.
					TrackedCall.this.request(1);
					return;
				}
				super.onMessage(message);
			}

			@Override
			public void onClose(Status status, Metadata trailers) {
				MemberWatchdog.this.calls.remove(TrackedCall.this);
				String moved = TrackedCall.this.movedBecause;
				if (moved != null && status.getCode() == Status.Code.CANCELLED) {
					// jetcd resumes watches and restarts the keep-alive stream on
					// UNAVAILABLE only.
					status = Status.UNAVAILABLE.withDescription(moved);
				}
				super.onClose(status, trailers);
			}

		}

	}

}
