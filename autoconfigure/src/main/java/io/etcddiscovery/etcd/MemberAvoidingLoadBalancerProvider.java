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
import java.util.List;
import java.util.Map;

import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.LoadBalancerRegistry;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import io.grpc.util.ForwardingLoadBalancer;
import io.grpc.util.ForwardingLoadBalancerHelper;

/**
 * gRPC's {@code round_robin} load balancing, except that a call never goes to a member
 * its {@link CallTarget} avoids while another member is ready.
 * <p>
 * A member that stopped answering keeps its TCP connection open, so gRPC still considers
 * it ready and would keep sending new calls and restarted streams to it. This policy
 * skips it for the calls of a client whose {@link MemberWatchdog} quarantined it. Calls
 * without a {@link CallTarget} are balanced exactly as by {@code round_robin}.
 *
 * @author etcd-discovery authors
 */
final class MemberAvoidingLoadBalancerProvider extends LoadBalancerProvider {

	/**
	 * Name of the policy, for {@code ClientBuilder.loadBalancerPolicy(...)}.
	 */
	static final String POLICY_NAME = "etcd_discovery_round_robin";

	private static final String ROUND_ROBIN = "round_robin";

	private static volatile boolean registered;

	/**
	 * Register the policy with gRPC's default registry, once. The registry is
	 * process-wide (one per class loader of gRPC) and never forgets a provider: the name
	 * stays taken for every channel of the application.
	 */
	static void register() {
		if (!registered) {
			synchronized (MemberAvoidingLoadBalancerProvider.class) {
				if (!registered) {
					LoadBalancerRegistry.getDefaultRegistry().register(new MemberAvoidingLoadBalancerProvider());
					registered = true;
				}
			}
		}
	}

	@Override
	public boolean isAvailable() {
		return true;
	}

	@Override
	public int getPriority() {
		return 5;
	}

	@Override
	public String getPolicyName() {
		return POLICY_NAME;
	}

	@Override
	public ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
		return roundRobin().parseLoadBalancingPolicyConfig(rawConfig);
	}

	@Override
	public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
		return new MemberAvoidingLoadBalancer(roundRobin(), helper);
	}

	private static LoadBalancerProvider roundRobin() {
		LoadBalancerProvider provider = LoadBalancerRegistry.getDefaultRegistry().getProvider(ROUND_ROBIN);
		if (provider == null) {
			throw new IllegalStateException("gRPC's round_robin load balancer is not available (grpc-util missing?)");
		}
		return provider;
	}

	/**
	 * Round robin with every picker it publishes wrapped.
	 */
	private static final class MemberAvoidingLoadBalancer extends ForwardingLoadBalancer {

		private final LoadBalancer delegate;

		private final PickerWrappingHelper helper;

		MemberAvoidingLoadBalancer(LoadBalancerProvider roundRobin, Helper helper) {
			this.helper = new PickerWrappingHelper(helper);
			this.delegate = roundRobin.newLoadBalancer(this.helper);
		}

		@Override
		protected LoadBalancer delegate() {
			return this.delegate;
		}

		@Override
		public Status acceptResolvedAddresses(ResolvedAddresses resolvedAddresses) {
			this.helper.setSeveralMembers(resolvedAddresses.getAddresses().size() > 1);
			return this.delegate.acceptResolvedAddresses(resolvedAddresses);
		}

	}

	private static final class PickerWrappingHelper extends ForwardingLoadBalancerHelper {

		private final LoadBalancer.Helper delegate;

		// A channel to one member (jetcd opens some for one call) has nothing to avoid.
		private volatile boolean severalMembers;

		PickerWrappingHelper(LoadBalancer.Helper delegate) {
			this.delegate = delegate;
		}

		@Override
		protected LoadBalancer.Helper delegate() {
			return this.delegate;
		}

		void setSeveralMembers(boolean severalMembers) {
			this.severalMembers = severalMembers;
		}

		@Override
		public LoadBalancer.Subchannel createSubchannel(LoadBalancer.CreateSubchannelArgs args) {
			List<EquivalentAddressGroup> groups = args.getAddresses();
			if (groups.isEmpty() || groups.get(0).getAddresses().isEmpty()) {
				return super.createSubchannel(args);
			}
			SocketAddress member = groups.get(0).getAddresses().get(0);
			return super.createSubchannel(args.toBuilder()
				.setAttributes(args.getAttributes().toBuilder().set(CallTarget.MEMBER, member).build())
				.build());
		}

		@Override
		public void updateBalancingState(ConnectivityState newState, LoadBalancer.SubchannelPicker newPicker) {
			super.updateBalancingState(newState, this.severalMembers ? new MemberAvoidingPicker(newPicker) : newPicker);
		}

	}

	/**
	 * Picks again while the pick is a member the call avoids, until round robin comes
	 * back to the first pick; when every ready member is avoided, the first pick stands:
	 * a member that may answer is better than none.
	 * <p>
	 * Stopping on the first pick, rather than after a fixed number of picks, keeps calls
	 * spread when every member is avoided: going once round the ring moves round robin on
	 * by one member per call, where a fixed number that is a multiple of the number of
	 * ready members would send every call to the same one.
	 */
	private static final class MemberAvoidingPicker extends LoadBalancer.SubchannelPicker {

		// A bound in case the delegate never comes back to the first pick.
		private static final int MAX_PICKS = 16;

		private final LoadBalancer.SubchannelPicker delegate;

		MemberAvoidingPicker(LoadBalancer.SubchannelPicker delegate) {
			this.delegate = delegate;
		}

		@Override
		public LoadBalancer.PickResult pickSubchannel(LoadBalancer.PickSubchannelArgs args) {
			LoadBalancer.PickResult first = this.delegate.pickSubchannel(args);
			CallTarget target = args.getCallOptions().getOption(CallTarget.KEY);
			if (target == null || first.getSubchannel() == null) {
				return first;
			}
			LoadBalancer.PickResult result = first;
			for (int i = 1; i < MAX_PICKS && target.avoids(result.getSubchannel()); i++) {
				LoadBalancer.PickResult next = this.delegate.pickSubchannel(args);
				if (next.getSubchannel() == null || next.getSubchannel() == first.getSubchannel()) {
					break;
				}
				result = next;
			}
			if (target.avoids(result.getSubchannel())) {
				result = first;
			}
			target.picked(result.getSubchannel());
			return result;
		}

	}

}
