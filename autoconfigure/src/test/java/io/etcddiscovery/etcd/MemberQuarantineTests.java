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
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.grpc.Deadline;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link MemberQuarantine}: a member goes from answering to suspect to
 * unresponsive and back, on the answers to the status requests it is sent over a real
 * (in-process) gRPC connection, on a clock the test moves.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class MemberQuarantineTests {

	private static final Duration TIMEOUT = Duration.ofMillis(500);

	private static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);

	private static final SocketAddress MEMBER = new InetSocketAddress("127.0.0.1", 2379);

	private static final SocketAddress OTHER = new InetSocketAddress("127.0.0.1", 22379);

	/**
	 * The codes the client makes up when nothing came back from the member.
	 */
	private static final EnumSet<Status.Code> SILENCE = EnumSet.of(Status.Code.DEADLINE_EXCEEDED,
			Status.Code.UNAVAILABLE, Status.Code.CANCELLED, Status.Code.UNKNOWN, Status.Code.INTERNAL);

	private final ManualScheduler scheduler = new ManualScheduler();

	private final List<Map.Entry<SocketAddress, String>> moved = new CopyOnWriteArrayList<>();

	private final MemberQuarantine quarantine = new MemberQuarantine(TIMEOUT, PROBE_INTERVAL, this.scheduler,
			(address, reason) -> this.moved.add(Map.entry(address, reason)), this.scheduler::nanoTime);

	private final InProcessMember member = new InProcessMember();

	private final LoggingSystem loggingSystem = LoggingSystem.get(getClass().getClassLoader());

	@BeforeEach
	void logDebug() {
		this.loggingSystem.setLogLevel(MemberQuarantine.class.getName(), LogLevel.DEBUG);
	}

	@AfterEach
	void close() {
		this.loggingSystem.setLogLevel(MemberQuarantine.class.getName(), null);
		this.member.close();
		this.scheduler.shutdown();
	}

	@Test
	void everyMemberIsAnsweringUntilSuspected() {
		this.quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		assertThat(this.quarantine.avoids(MEMBER)).isFalse();
		assertThat(this.quarantine.avoids(OTHER)).isFalse();
		assertThat(this.quarantine.getUnresponsiveMembers()).isEmpty();
		assertThat(this.quarantine.getFailovers()).isZero();
		assertThat(this.member.statusDeadlines()).isEmpty();
	}

	@Test
	void suspectIsAvoidedAtOnceAndAskedForItsStatusOnItsOwnConnection(CapturedOutput output) {
		this.quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		// Less a millisecond: gRPC sends the timeout rounded.
		Deadline earliest = Deadline.after(TIMEOUT.minusMillis(1).toNanos(), TimeUnit.NANOSECONDS);
		this.quarantine.suspect(MEMBER, "a keep-alive");
		Deadline latest = Deadline.after(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
		assertThat(this.quarantine.avoids(MEMBER)).isTrue();
		assertThat(this.quarantine.avoids(OTHER)).isFalse();
		this.member.awaitStatusCall();
		// The member timeout is the deadline of the status request.
		assertThat(this.member.statusDeadlines()).singleElement()
			.satisfies((deadline) -> assertThat(deadline).isBetween(earliest, latest));
		// Suspect is not unresponsive: nothing is moved yet.
		assertThat(this.quarantine.getUnresponsiveMembers()).isEmpty();
		assertThat(this.quarantine.getFailovers()).isZero();
		assertThat(this.moved).isEmpty();
		assertThat(output).containsPattern("DEBUG.*MemberQuarantine.*etcd member 127.0.0.1:2379 left a keep-alive "
				+ "unanswered for more than 500ms: avoiding it and asking for its status");
	}

	@Test
	void suspectThatAnswersItsStatusWasOnlySlowAndIsUsedAgainAtOnce(CapturedOutput output) {
		this.quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		this.quarantine.suspect(MEMBER, "a watch request");
		this.scheduler.advance(Duration.ofMillis(120));
		this.member.answerStatus(Status.OK);
		this.scheduler.runDue();
		assertThat(this.quarantine.avoids(MEMBER)).isFalse();
		assertThat(this.quarantine.getFailovers()).isZero();
		assertThat(this.moved).isEmpty();
		// Not asked again.
		assertThat(this.scheduler.scheduled()).isEmpty();
		assertThat(output).containsPattern("DEBUG.*MemberQuarantine.*etcd member 127.0.0.1:2379 left a watch request "
				+ "unanswered for 120ms but answers \\(OK\\): it was slow, not hung");
		assertThat(output).doesNotContain("stopped answering");
	}

	/**
	 * etcd 3.6, and 3.5 from 3.5.28, refuse {@code Status} to all but admins when
	 * authentication is on: without a token with INVALID_ARGUMENT, to a user without the
	 * root role with PERMISSION_DENIED. The member answered.
	 */
	@ParameterizedTest(name = "{0}")
	@EnumSource(names = { "PERMISSION_DENIED", "INVALID_ARGUMENT", "UNAUTHENTICATED", "FAILED_PRECONDITION",
			"NOT_FOUND", "RESOURCE_EXHAUSTED", "UNIMPLEMENTED" })
	void suspectThatRefusesTheStatusRequestAnswersAndIsUsedAgain(Status.Code code, CapturedOutput output) {
		this.quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		this.quarantine.suspect(MEMBER, "a keep-alive");
		this.member.answerStatus(Status.fromCode(code).withDescription("etcdserver: refused"));
		this.scheduler.runDue();
		assertThat(this.quarantine.avoids(MEMBER)).isFalse();
		assertThat(this.quarantine.getUnresponsiveMembers()).isEmpty();
		assertThat(this.quarantine.getFailovers()).isZero();
		assertThat(this.moved).isEmpty();
		assertThat(output).contains("but answers (" + code + "): it was slow, not hung")
			.doesNotContain("stopped answering");
	}

	@Test
	void suspectAnsweringAsEtcd35DoesWithoutATokenIsUsedAgain() {
		this.quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		this.quarantine.suspect(MEMBER, "a keep-alive");
		this.member.answerStatus(Status.INVALID_ARGUMENT.withDescription("etcdserver: user name is empty"));
		this.scheduler.runDue();
		assertThat(this.quarantine.avoids(MEMBER)).isFalse();
		this.quarantine.suspect(MEMBER, "a keep-alive");
		this.member.answerStatus(Status.PERMISSION_DENIED.withDescription("etcdserver: permission denied"));
		this.scheduler.runDue();
		assertThat(this.quarantine.avoids(MEMBER)).isFalse();
		assertThat(this.quarantine.getFailovers()).isZero();
		assertThat(this.moved).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(names = { "DEADLINE_EXCEEDED", "UNAVAILABLE", "CANCELLED", "UNKNOWN", "INTERNAL" })
	void suspectWithoutAnAnswerIsUnresponsiveAndItsCallsAreMoved(Status.Code code, CapturedOutput output) {
		this.quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		this.quarantine.suspect(MEMBER, "a keep-alive");
		this.scheduler.advance(Duration.ofMillis(501));
		this.member.answerStatus(Status.fromCode(code));
		this.scheduler.runDue();
		assertThat(this.quarantine.avoids(MEMBER)).isTrue();
		assertThat(this.quarantine.avoids(OTHER)).isFalse();
		assertThat(this.quarantine.getUnresponsiveMembers()).containsExactly("127.0.0.1:2379");
		assertThat(this.quarantine.getFailovers()).isOne();
		String reason = "a keep-alive unanswered for 501ms and no status within 500ms, " + code;
		assertThat(this.moved)
			.containsExactly(Map.entry(MEMBER, "etcd member 127.0.0.1:2379 stopped answering (" + reason + ")"));
		assertThat(output).containsPattern("WARN.*MemberQuarantine.*etcd member 127.0.0.1:2379 stopped answering \\("
				+ reason + "\\): moving its calls to the other members");
		// Asked again later.
		assertThat(this.scheduler.scheduled()).containsExactly(PROBE_INTERVAL);
	}

	@Test
	void unresponsiveMemberIsAskedAgainUntilItAnswersThenUsedAgain(CapturedOutput output) {
		this.quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		this.quarantine.suspect(MEMBER, "a request");
		this.scheduler.advance(TIMEOUT);
		this.member.answerStatus(Status.DEADLINE_EXCEEDED);
		this.scheduler.runDue();
		assertThat(this.quarantine.getFailovers()).isOne();
		// Still silent a second later: still unresponsive, nothing moved twice.
		this.scheduler.advance(PROBE_INTERVAL);
		this.member.answerStatus(Status.UNAVAILABLE);
		this.scheduler.runDue();
		assertThat(this.quarantine.avoids(MEMBER)).isTrue();
		assertThat(this.quarantine.getFailovers()).isOne();
		assertThat(this.moved).hasSize(1);
		assertThat(output.toString().split("stopped answering", -1)).hasSize(2);
		// Answers the third time.
		this.scheduler.advance(PROBE_INTERVAL);
		this.member.answerStatus(Status.OK);
		this.scheduler.runDue();
		assertThat(this.quarantine.avoids(MEMBER)).isFalse();
		assertThat(this.quarantine.getUnresponsiveMembers()).isEmpty();
		assertThat(this.quarantine.getFailovers()).isOne();
		assertThat(this.scheduler.scheduled()).isEmpty();
		assertThat(this.member.statusDeadlines()).hasSize(3);
		assertThat(output).containsPattern(
				"INFO.*MemberQuarantine.*etcd member 127.0.0.1:2379 answers again after 2500ms: sending calls to it again");
	}

	@Test
	void memberFoundUnresponsiveAgainCountsAnotherFailover() {
		this.quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		for (int i = 1; i <= 2; i++) {
			this.quarantine.suspect(MEMBER, "a keep-alive");
			this.member.answerStatus(Status.DEADLINE_EXCEEDED);
			this.scheduler.runDue();
			assertThat(this.quarantine.getFailovers()).isEqualTo(i);
			this.scheduler.advance(PROBE_INTERVAL);
			this.member.answerStatus(Status.OK);
			this.scheduler.runDue();
			assertThat(this.quarantine.avoids(MEMBER)).isFalse();
		}
		assertThat(this.moved).hasSize(2);
	}

	@Test
	void suspectingAnAvoidedMemberAgainChangesNothing() {
		this.quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		this.quarantine.suspect(MEMBER, "a keep-alive");
		this.quarantine.suspect(MEMBER, "a watch request");
		this.member.awaitStatusCall().onError(Status.UNAVAILABLE.asRuntimeException());
		this.scheduler.runDue();
		this.quarantine.suspect(MEMBER, "a request");
		assertThat(this.member.statusCallsWaiting()).isZero();
		assertThat(this.member.statusDeadlines()).hasSize(1);
		assertThat(this.quarantine.getFailovers()).isOne();
		assertThat(this.moved).singleElement()
			.satisfies((entry) -> assertThat(entry.getValue()).contains("a keep-alive"));
	}

	@Test
	void memberWithoutAConnectionToAskIsUnresponsiveAtOnce() {
		this.quarantine.suspect(MEMBER, "a request");
		assertThat(this.quarantine.avoids(MEMBER)).isTrue();
		assertThat(this.quarantine.getFailovers()).isOne();
		assertThat(this.moved).singleElement()
			.satisfies((entry) -> assertThat(entry.getValue()).endsWith("no status within 500ms, UNAVAILABLE)"));
	}

	@Test
	void stoppedMemberIsUnresponsive() {
		this.quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		this.member.stop();
		this.quarantine.suspect(MEMBER, "a keep-alive");
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			this.scheduler.runDue();
			return this.quarantine.getFailovers() == 1;
		});
		assertThat(this.moved).singleElement()
			.satisfies((entry) -> assertThat(entry.getValue()).endsWith(", UNAVAILABLE)"));
	}

	@Test
	void hungMemberIsUnresponsiveOnceItsStatusIsOverdue() {
		MemberQuarantine quarantine = new MemberQuarantine(Duration.ofMillis(100), PROBE_INTERVAL, this.scheduler,
				(address, reason) -> this.moved.add(Map.entry(address, reason)), this.scheduler::nanoTime);
		quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		quarantine.suspect(MEMBER, "a keep-alive");
		// Never answered: gRPC's own deadline ends the request.
		this.member.awaitStatusCall();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			this.scheduler.runDue();
			return quarantine.getFailovers() == 1;
		});
		assertThat(this.moved).singleElement()
			.satisfies((entry) -> assertThat(entry.getValue()).endsWith(", DEADLINE_EXCEEDED)"));
	}

	@Test
	void answerArrivingAfterTheSchedulerIsShutDownIsIgnored() {
		this.quarantine.connected(MEMBER, TestSubchannel.to(MEMBER, this.member.channel()));
		this.quarantine.suspect(MEMBER, "a keep-alive");
		this.scheduler.shutdown();
		this.member.answerStatus(Status.DEADLINE_EXCEEDED);
		assertThat(this.quarantine.getFailovers()).isZero();
		assertThat(this.quarantine.avoids(MEMBER)).isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(Status.Code.class)
	void onlyWhatTheClientMakesUpWhenNothingCameBackIsSilence(Status.Code code) {
		assertThat(MemberQuarantine.isAnswer(code)).isEqualTo(!SILENCE.contains(code));
	}

	@Test
	void describesAddressesAsHostAndPort() {
		assertThat(MemberQuarantine.describe(new InetSocketAddress("127.0.0.1", 2379))).isEqualTo("127.0.0.1:2379");
		assertThat(MemberQuarantine.describe(new InetSocketAddress("::1", 2379))).isEqualTo("[0:0:0:0:0:0:0:1]:2379");
		assertThat(MemberQuarantine.describe(null)).isEqualTo("null");
	}

}
