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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.etcddiscovery.etcd.InProcessMember.Stream;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link MemberWatchdog}: the exchanges of real gRPC calls to an in-process
 * member are timed on a clock the test moves; an idle watch is asked for its progress and
 * the reply is kept from the caller; an overdue exchange makes the member suspect and,
 * once the member is found unresponsive, its calls are moved.
 *
 * @author etcd-discovery authors
 */
class MemberWatchdogTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	private static final Duration IDLE_WATCH_INTERVAL = Duration.ofSeconds(2);

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ManualScheduler scheduler = new ManualScheduler();

	private final MemberWatchdog watchdog = new MemberWatchdog(TIMEOUT, IDLE_WATCH_INTERVAL, this.scheduler::nanoTime);

	private final MemberQuarantine quarantine = new MemberQuarantine(TIMEOUT, Duration.ofSeconds(1), this.scheduler,
			this.watchdog::moveCalls, this.scheduler::nanoTime);

	private final InProcessMember member = new InProcessMember();

	private final Channel channel = this.member.channel(this.watchdog);

	MemberWatchdogTests() {
		this.watchdog.setQuarantine(this.quarantine);
	}

	@AfterEach
	void close() {
		this.member.close();
		this.scheduler.shutdown();
	}

	@Test
	void idleWatchIsAskedForItsProgressAndTheReplyIsKeptFromTheCaller() {
		Call<WatchRequest, WatchResponse> watch = start(WatchGrpc.getWatchMethod());
		Stream<WatchRequest, WatchResponse> stream = createWatch(watch);
		check(IDLE_WATCH_INTERVAL);
		assertThat(stream.hasRequest()).as("progress requested before the watch was idle").isFalse();
		check(Duration.ofMillis(1));
		assertThat(stream.awaitRequest().hasProgressRequest()).isTrue();
		stream.send(progressReply(9));
		WatchResponse event = event(10);
		stream.send(event);
		// The next message still arrives: the watchdog asked for it in the caller's
		// stead.
		await().atMost(WAIT).until(() -> watch.messages.size() == 2);
		assertThat(watch.messages).containsExactly(created(), event);
		// The reply answered the request: nothing is overdue.
		check(TIMEOUT.multipliedBy(2));
		assertThat(this.quarantine.avoids(watch.member())).isFalse();
		assertThat(this.member.statusDeadlines()).isEmpty();
		assertThat(watch.status).isNull();
	}

	@Test
	void watchIsAskedForProgressAgainAfterEachIdleInterval() {
		Call<WatchRequest, WatchResponse> watch = start(WatchGrpc.getWatchMethod());
		Stream<WatchRequest, WatchResponse> stream = createWatch(watch);
		for (int i = 0; i < 3; i++) {
			check(IDLE_WATCH_INTERVAL.plusMillis(1));
			assertThat(stream.awaitRequest().hasProgressRequest()).isTrue();
			// Asked once until it replies.
			check(TIMEOUT.dividedBy(2));
			assertThat(stream.hasRequest()).isFalse();
			stream.send(progressReply(5));
		}
		stream.send(event(6));
		await().atMost(WAIT).until(() -> watch.messages.size() == 2);
		assertThat(watch.messages).containsExactly(created(), event(6));
		assertThat(this.quarantine.avoids(watch.member())).isFalse();
	}

	@Test
	void progressNotificationTheWatchdogDidNotAskForReachesTheCaller() {
		Call<WatchRequest, WatchResponse> watch = start(WatchGrpc.getWatchMethod());
		Stream<WatchRequest, WatchResponse> stream = createWatch(watch);
		stream.send(progressReply(7));
		await().atMost(WAIT).until(() -> watch.messages.size() == 2);
		assertThat(watch.messages).containsExactly(created(), progressReply(7));
	}

	@Test
	void eventsSentBeforeTheProgressReplyReachTheCallerAndTheReplyIsStillKept() {
		Call<WatchRequest, WatchResponse> watch = start(WatchGrpc.getWatchMethod());
		Stream<WatchRequest, WatchResponse> stream = createWatch(watch);
		check(IDLE_WATCH_INTERVAL.plusMillis(1));
		assertThat(stream.awaitRequest().hasProgressRequest()).isTrue();
		stream.send(event(6));
		stream.send(progressReply(6));
		stream.send(event(7));
		await().atMost(WAIT).until(() -> watch.messages.size() == 3);
		assertThat(watch.messages).containsExactly(created(), event(6), event(7));
	}

	@Test
	void watchWhoseProgressRequestIsUnansweredIsMovedWhenItsMemberDoesNotAnswerEither() {
		Call<WatchRequest, WatchResponse> watch = start(WatchGrpc.getWatchMethod());
		Stream<WatchRequest, WatchResponse> stream = createWatch(watch);
		check(IDLE_WATCH_INTERVAL.plusMillis(1));
		assertThat(stream.awaitRequest().hasProgressRequest()).isTrue();
		check(TIMEOUT);
		assertThat(watch.status).isNull();
		// No connection of its own to ask it on: unresponsive at once.
		check(Duration.ofMillis(1));
		assertThat(this.quarantine.avoids(watch.member())).isTrue();
		assertThat(this.quarantine.getFailovers()).isOne();
		await().atMost(WAIT).until(() -> watch.status != null);
		// UNAVAILABLE, not CANCELLED: jetcd resumes a watch on UNAVAILABLE only.
		assertThat(watch.status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(watch.status.getDescription()).startsWith("etcd member ")
			.contains(" stopped answering (a watch request unanswered for ");
		assertThat(this.watchdog.callsInFlight()).isZero();
	}

	@Test
	void watchOnAMemberThatAnswersItsStatusStaysOnIt() {
		Call<WatchRequest, WatchResponse> watch = start(WatchGrpc.getWatchMethod());
		Stream<WatchRequest, WatchResponse> stream = createWatch(watch);
		connectProbe(watch.member());
		check(IDLE_WATCH_INTERVAL.plusMillis(1));
		assertThat(stream.awaitRequest().hasProgressRequest()).isTrue();
		check(TIMEOUT.plusMillis(1));
		assertThat(this.quarantine.avoids(watch.member())).isTrue();
		this.member.answerStatus(Status.PERMISSION_DENIED);
		this.scheduler.runDue();
		assertThat(this.quarantine.avoids(watch.member())).isFalse();
		assertThat(this.quarantine.getFailovers()).isZero();
		// The reply comes late, and is still kept from the caller.
		stream.send(progressReply(5));
		stream.send(event(6));
		await().atMost(WAIT).until(() -> watch.messages.size() == 2);
		assertThat(watch.messages).containsExactly(created(), event(6));
		assertThat(watch.status).isNull();
		assertThat(stream.isClosed()).isFalse();
	}

	@Test
	void overdueKeepAliveIsMovedAtOnceWhileOtherCallsWaitForTheMembersStatus() {
		Call<WatchRequest, WatchResponse> watch = start(WatchGrpc.getWatchMethod());
		createWatch(watch);
		Call<LeaseKeepAliveRequest, LeaseKeepAliveResponse> keepAlive = start(LeaseGrpc.getLeaseKeepAliveMethod());
		keepAlive.call.sendMessage(LeaseKeepAliveRequest.newBuilder().setID(42).build());
		Stream<LeaseKeepAliveRequest, LeaseKeepAliveResponse> stream = this.member.awaitKeepAlive();
		assertThat(stream.awaitRequest().getID()).isEqualTo(42);
		connectProbe(keepAlive.member());
		check(TIMEOUT.plusMillis(1));
		// A renewal cannot wait: moved before the member is asked.
		await().atMost(WAIT).until(() -> keepAlive.status != null);
		assertThat(keepAlive.status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(keepAlive.status.getDescription()).isEqualTo("etcd member "
				+ MemberQuarantine.describe(keepAlive.member()) + " did not answer a keep-alive within 500ms");
		assertThat(this.quarantine.avoids(keepAlive.member())).isTrue();
		assertThat(watch.status).isNull();
		this.member.answerStatus(Status.OK);
		this.scheduler.runDue();
		assertThat(this.quarantine.avoids(keepAlive.member())).isFalse();
		assertThat(watch.status).isNull();
		assertThat(this.watchdog.callsInFlight()).isOne();
	}

	@Test
	void everyCallOnAnUnresponsiveMemberIsMoved() {
		Call<WatchRequest, WatchResponse> watch = start(WatchGrpc.getWatchMethod());
		createWatch(watch);
		Call<LeaseKeepAliveRequest, LeaseKeepAliveResponse> keepAlive = start(LeaseGrpc.getLeaseKeepAliveMethod());
		keepAlive.call.sendMessage(LeaseKeepAliveRequest.newBuilder().setID(42).build());
		this.member.awaitKeepAlive().awaitRequest();
		connectProbe(keepAlive.member());
		check(TIMEOUT.plusMillis(1));
		this.member.answerStatus(Status.DEADLINE_EXCEEDED);
		this.scheduler.runDue();
		await().atMost(WAIT).until(() -> watch.status != null && keepAlive.status != null);
		assertThat(watch.status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
		assertThat(watch.status.getDescription()).contains(" stopped answering (a keep-alive unanswered for ");
		assertThat(this.watchdog.callsInFlight()).isZero();
		assertThat(this.quarantine.getFailovers()).isOne();
	}

	@Test
	void answeredKeepAlivesAreNeverOverdue() {
		Call<LeaseKeepAliveRequest, LeaseKeepAliveResponse> keepAlive = start(LeaseGrpc.getLeaseKeepAliveMethod());
		keepAlive.call.sendMessage(LeaseKeepAliveRequest.newBuilder().setID(42).build());
		Stream<LeaseKeepAliveRequest, LeaseKeepAliveResponse> stream = this.member.awaitKeepAlive();
		for (int i = 0; i < 3; i++) {
			stream.awaitRequest();
			check(TIMEOUT);
			stream.send(LeaseKeepAliveResponse.newBuilder().setID(42).setTTL(4).build());
			check(TIMEOUT.multipliedBy(4));
			keepAlive.call.sendMessage(LeaseKeepAliveRequest.newBuilder().setID(42).build());
		}
		assertThat(keepAlive.status).isNull();
		assertThat(this.quarantine.avoids(keepAlive.member())).isFalse();
		assertThat(this.member.statusDeadlines()).isEmpty();
	}

	private Stream<WatchRequest, WatchResponse> createWatch(Call<WatchRequest, WatchResponse> watch) {
		watch.call.sendMessage(WatchRequest.newBuilder()
			.setCreateRequest(WatchCreateRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("/")))
			.build());
		Stream<WatchRequest, WatchResponse> stream = this.member.awaitWatch();
		assertThat(stream.awaitRequest().hasCreateRequest()).isTrue();
		stream.send(created());
		await().atMost(WAIT).until(() -> watch.messages.size() == 1);
		return stream;
	}

	private void connectProbe(SocketAddress address) {
		// What the load balancer records when it picks the member for a call.
		this.quarantine.connected(address, TestSubchannel.to(address, this.member.channel()));
	}

	private void check(Duration later) {
		this.scheduler.advance(later);
		this.watchdog.check();
	}

	private <Q, R> Call<Q, R> start(MethodDescriptor<Q, R> method) {
		Call<Q, R> call = new Call<>(this.channel.newCall(method, CallOptions.DEFAULT));
		call.call.start(call, new Metadata());
		call.call.request(1);
		return call;
	}

	private static WatchResponse created() {
		return WatchResponse.newBuilder()
			.setHeader(ResponseHeader.newBuilder().setRevision(5))
			.setWatchId(0)
			.setCreated(true)
			.build();
	}

	/**
	 * What etcd (3.4 to 3.6) replies to a progress request: watch id -1, nothing but the
	 * header.
	 */
	private static WatchResponse progressReply(long revision) {
		return WatchResponse.newBuilder()
			.setHeader(ResponseHeader.newBuilder().setRevision(revision))
			.setWatchId(-1)
			.build();
	}

	private static WatchResponse event(long revision) {
		return WatchResponse.newBuilder()
			.setHeader(ResponseHeader.newBuilder().setRevision(revision))
			.setWatchId(0)
			.addEvents(Event.newBuilder()
				.setKv(KeyValue.newBuilder()
					.setKey(com.google.protobuf.ByteString.copyFromUtf8("/k"))
					.setModRevision(revision)))
			.build();
	}

	/**
	 * A call as jetcd makes it: one more message asked for after each one received.
	 */
	private static final class Call<Q, R> extends ClientCall.Listener<R> {

		private final ClientCall<Q, R> call;

		private final List<R> messages = new CopyOnWriteArrayList<>();

		private volatile Status status;

		Call(ClientCall<Q, R> call) {
			this.call = call;
		}

		SocketAddress member() {
			SocketAddress address = this.call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
			assertThat(address).isNotNull();
			return address;
		}

		@Override
		public void onMessage(R message) {
			this.messages.add(message);
			this.call.request(1);
		}

		@Override
		public void onClose(Status status, Metadata trailers) {
			this.status = status;
		}

	}

}
