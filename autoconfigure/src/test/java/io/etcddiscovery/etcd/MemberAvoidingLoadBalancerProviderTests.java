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
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.etcd.jetcd.api.KVGrpc;
import io.grpc.CallOptions;
import io.grpc.ChannelLogger;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.LoadBalancer.SubchannelPicker;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemberAvoidingLoadBalancerProvider}: gRPC's own {@code round_robin},
 * with the subchannels and the connection states a channel would give it, picks for calls
 * that carry a {@link CallTarget}.
 *
 * @author etcd-discovery authors
 */
class MemberAvoidingLoadBalancerProviderTests {

	private static final int PICKS = 30;

	private static final SocketAddress FIRST = new InetSocketAddress("127.0.0.1", 2379);

	private static final SocketAddress SECOND = new InetSocketAddress("127.0.0.1", 22379);

	private static final SocketAddress THIRD = new InetSocketAddress("127.0.0.1", 32379);

	private final ManualScheduler scheduler = new ManualScheduler();

	private final MemberQuarantine quarantine = new MemberQuarantine(Duration.ofMillis(500), Duration.ofSeconds(1),
			this.scheduler, (address, reason) -> {
			}, this.scheduler::nanoTime);

	private final TestHelper helper = new TestHelper();

	private LoadBalancer loadBalancer;

	@BeforeEach
	void createLoadBalancer() {
		this.loadBalancer = new MemberAvoidingLoadBalancerProvider().newLoadBalancer(this.helper);
	}

	@AfterEach
	void shutdown() {
		this.helper.syncContext.execute(this.loadBalancer::shutdown);
		this.scheduler.shutdown();
	}

	@Test
	void everySubchannelKnowsItsMember() {
		connect(FIRST, SECOND, THIRD);
		assertThat(this.helper.subchannels).extracting((subchannel) -> CallTarget.address(subchannel))
			.containsExactlyInAnyOrder(FIRST, SECOND, THIRD);
	}

	@Test
	void callsAreBalancedOverEveryAnsweringMember() {
		connect(FIRST, SECOND, THIRD);
		assertThat(membersPicked(PICKS, true)).containsExactlyInAnyOrder(FIRST, SECOND, THIRD);
	}

	@Test
	void callsAvoidASuspectOrUnresponsiveMember() {
		connect(FIRST, SECOND, THIRD);
		this.quarantine.suspect(SECOND, "a keep-alive");
		assertThat(this.quarantine.avoids(SECOND)).isTrue();
		assertThat(membersPicked(PICKS, true)).containsExactlyInAnyOrder(FIRST, THIRD);
	}

	@Test
	void callsAvoidEveryMemberButTheOneAnswering() {
		connect(FIRST, SECOND, THIRD);
		this.quarantine.suspect(FIRST, "a keep-alive");
		this.quarantine.suspect(THIRD, "a watch request");
		assertThat(membersPicked(PICKS, true)).containsExactly(SECOND);
	}

	@Test
	void whenEveryMemberIsAvoidedCallsStillGoToOneOfThem() {
		connect(FIRST, SECOND, THIRD);
		this.quarantine.suspect(FIRST, "a keep-alive");
		this.quarantine.suspect(SECOND, "a keep-alive");
		this.quarantine.suspect(THIRD, "a keep-alive");
		// A member that may answer is better than none: round robin's own pick stands,
		// still spread over them.
		List<SocketAddress> picked = new ArrayList<>();
		for (int i = 0; i < PICKS; i++) {
			picked.add(CallTarget.address(pick(new CallTarget(this.quarantine)).getSubchannel()));
		}
		assertThat(picked).containsOnly(FIRST, SECOND, THIRD);
		for (SocketAddress member : List.of(FIRST, SECOND, THIRD)) {
			assertThat(picked).filteredOn(member::equals).hasSize(PICKS / 3);
		}
	}

	@Test
	void memberThatAnswersAgainGetsCallsAgain() {
		connect(FIRST, SECOND, THIRD);
		try (InProcessMember member = new InProcessMember()) {
			this.quarantine.connected(SECOND, TestSubchannel.to(SECOND, member.channel()));
			this.quarantine.suspect(SECOND, "a keep-alive");
			assertThat(membersPicked(PICKS, true)).containsExactlyInAnyOrder(FIRST, THIRD);
			member.answerStatus(Status.OK);
			this.scheduler.runDue();
			assertThat(membersPicked(PICKS, true)).containsExactlyInAnyOrder(FIRST, SECOND, THIRD);
		}
	}

	@Test
	void callsWithoutACallTargetAreBalancedAsByRoundRobin() {
		connect(FIRST, SECOND, THIRD);
		this.quarantine.suspect(SECOND, "a keep-alive");
		assertThat(membersPicked(PICKS, false)).containsExactlyInAnyOrder(FIRST, SECOND, THIRD);
	}

	@Test
	void aChannelToOneMemberHasNothingToAvoid() {
		connect(FIRST);
		this.quarantine.suspect(FIRST, "a keep-alive");
		CallTarget target = new CallTarget(this.quarantine);
		assertThat(CallTarget.address(pick(target).getSubchannel())).isEqualTo(FIRST);
		// Not recorded: the watchdog asks the transport for the member of such a call.
		assertThat(target.member()).isNull();
	}

	@Test
	void callsAvoidAMemberAmongTheReadyOnes() {
		connect(FIRST, SECOND, THIRD);
		this.helper.syncContext.execute(() -> this.helper.subchannel(THIRD)
			.setState(ConnectivityStateInfo.forTransientFailure(Status.UNAVAILABLE)));
		this.quarantine.suspect(FIRST, "a keep-alive");
		assertThat(membersPicked(PICKS, true)).containsExactly(SECOND);
	}

	@Test
	void pickRecordsTheMemberAndItsConnectionForTheCall() {
		connect(FIRST, SECOND, THIRD);
		this.quarantine.suspect(FIRST, "a keep-alive");
		CallTarget target = new CallTarget(this.quarantine);
		assertThat(target.member()).isNull();
		PickResult result = pick(target);
		assertThat(target.member()).isEqualTo(CallTarget.address(result.getSubchannel())).isNotEqualTo(FIRST);
		// The quarantine asks a suspect member on the connection its calls went to.
		try (InProcessMember member = new InProcessMember()) {
			ManagedChannel channel = member.channel();
			this.quarantine.connected(SECOND, TestSubchannel.to(SECOND, channel));
			this.quarantine.suspect(SECOND, "a request");
			member.awaitStatusCall();
		}
	}

	@Test
	void noPickBeforeAMemberIsConnected() {
		this.helper.syncContext.execute(() -> this.loadBalancer.acceptResolvedAddresses(resolved(FIRST, SECOND)));
		assertThat(this.helper.state).isEqualTo(ConnectivityState.CONNECTING);
		CallTarget target = new CallTarget(this.quarantine);
		PickResult result = pick(target);
		assertThat(result.getSubchannel()).isNull();
		assertThat(result.getStatus().isOk()).isTrue();
		assertThat(target.member()).isNull();
	}

	@Test
	void policyIsRegisteredProcessWideUnderItsName() {
		MemberAvoidingLoadBalancerProvider.register();
		MemberAvoidingLoadBalancerProvider.register();
		LoadBalancerProvider provider = LoadBalancerRegistry.getDefaultRegistry()
			.getProvider(MemberAvoidingLoadBalancerProvider.POLICY_NAME);
		assertThat(provider).isInstanceOf(MemberAvoidingLoadBalancerProvider.class);
		assertThat(provider.getPolicyName()).isEqualTo("etcd_discovery_round_robin");
		// round_robin itself is still gRPC's.
		assertThat(LoadBalancerRegistry.getDefaultRegistry().getProvider("round_robin"))
			.isNotInstanceOf(MemberAvoidingLoadBalancerProvider.class);
	}

	private void connect(SocketAddress... members) {
		this.helper.syncContext.execute(() -> {
			Status accepted = this.loadBalancer.acceptResolvedAddresses(resolved(members));
			assertThat(accepted.isOk()).isTrue();
			for (TestSubchannel subchannel : this.helper.subchannels) {
				subchannel.setState(ConnectivityStateInfo.forNonError(ConnectivityState.READY));
			}
		});
		assertThat(this.helper.subchannels).hasSize(members.length);
		assertThat(this.helper.state).isEqualTo(ConnectivityState.READY);
	}

	private static LoadBalancer.ResolvedAddresses resolved(SocketAddress... members) {
		List<EquivalentAddressGroup> groups = new ArrayList<>();
		for (SocketAddress member : members) {
			groups.add(new EquivalentAddressGroup(member));
		}
		return LoadBalancer.ResolvedAddresses.newBuilder().setAddresses(groups).build();
	}

	private Set<SocketAddress> membersPicked(int picks, boolean withTarget) {
		return membersPicked(picks, withTarget ? this.quarantine : null);
	}

	private Set<SocketAddress> membersPicked(int picks, MemberQuarantine quarantine) {
		Set<SocketAddress> picked = new LinkedHashSet<>();
		for (int i = 0; i < picks; i++) {
			CallTarget target = (quarantine != null) ? new CallTarget(quarantine) : null;
			PickResult result = pick(target);
			assertThat(result.getSubchannel()).isNotNull();
			SocketAddress member = CallTarget.address(result.getSubchannel());
			picked.add(member);
			if (target != null) {
				assertThat(target.member()).isEqualTo(member);
			}
		}
		return picked;
	}

	private PickResult pick(CallTarget target) {
		CallOptions options = (target != null) ? CallOptions.DEFAULT.withOption(CallTarget.KEY, target)
				: CallOptions.DEFAULT;
		return this.helper.picker.pickSubchannel(new Args(options));
	}

	/**
	 * What a channel gives a load balancer, as far as round robin uses it.
	 */
	private final class TestHelper extends LoadBalancer.Helper {

		private final SynchronizationContext syncContext = new SynchronizationContext((thread, error) -> {
			throw new AssertionError(error);
		});

		private final List<TestSubchannel> subchannels = new ArrayList<>();

		private ConnectivityState state;

		private SubchannelPicker picker;

		@Override
		public Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
			TestSubchannel subchannel = new TestSubchannel(args.getAddresses(), args.getAttributes(), null);
			this.subchannels.add(subchannel);
			return subchannel;
		}

		TestSubchannel subchannel(SocketAddress member) {
			return this.subchannels.stream()
				.filter((subchannel) -> member.equals(CallTarget.address(subchannel)))
				.findFirst()
				.orElseThrow();
		}

		@Override
		public ManagedChannel createOobChannel(EquivalentAddressGroup eag, String authority) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void updateBalancingState(ConnectivityState newState, SubchannelPicker newPicker) {
			this.state = newState;
			this.picker = newPicker;
		}

		@Override
		public void refreshNameResolution() {
		}

		@Override
		public SynchronizationContext getSynchronizationContext() {
			return this.syncContext;
		}

		@Override
		public java.util.concurrent.ScheduledExecutorService getScheduledExecutorService() {
			return MemberAvoidingLoadBalancerProviderTests.this.scheduler;
		}

		@Override
		public ChannelLogger getChannelLogger() {
			return TestSubchannel.to(FIRST, null).getChannelLogger();
		}

		@Override
		public String getAuthority() {
			return "etcd";
		}

	}

	private static final class Args extends LoadBalancer.PickSubchannelArgs {

		private final CallOptions callOptions;

		Args(CallOptions callOptions) {
			this.callOptions = callOptions;
		}

		@Override
		public CallOptions getCallOptions() {
			return this.callOptions;
		}

		@Override
		public Metadata getHeaders() {
			return new Metadata();
		}

		@Override
		public MethodDescriptor<?, ?> getMethodDescriptor() {
			return KVGrpc.getRangeMethod();
		}

	}

}
