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

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.LoadBalancer.Subchannel;
import org.jspecify.annotations.Nullable;

/**
 * What one call carries in its {@link CallOptions} from the {@link MemberWatchdog} to the
 * load balancer, and back: the members it must avoid, and the member it was sent to.
 *
 * @author etcd-discovery authors
 */
final class CallTarget {

	static final CallOptions.Key<CallTarget> KEY = CallOptions.Key.create("etcd-discovery-call-target");

	/**
	 * The member a subchannel connects to, set by the load balancer when it creates the
	 * subchannel.
	 */
	static final Attributes.Key<SocketAddress> MEMBER = Attributes.Key.create("etcd-discovery-member");

	private final MemberQuarantine quarantine;

	private volatile @Nullable SocketAddress member;

	CallTarget(MemberQuarantine quarantine) {
		this.quarantine = quarantine;
	}

	/**
	 * Return whether the call should not be sent to the given subchannel's member.
	 * @param subchannel the subchannel a load balancer picked
	 * @return whether its member is avoided
	 */
	boolean avoids(Subchannel subchannel) {
		SocketAddress address = address(subchannel);
		return address != null && this.quarantine.avoids(address);
	}

	/**
	 * Record the subchannel the call is sent to.
	 * @param subchannel the subchannel
	 */
	void picked(Subchannel subchannel) {
		SocketAddress address = address(subchannel);
		if (address != null) {
			this.member = address;
			this.quarantine.connected(address, subchannel);
		}
	}

	/**
	 * Return the member the call was last sent to.
	 * @return the member's address, or {@code null} before a pick
	 */
	@Nullable SocketAddress member() {
		return this.member;
	}

	static @Nullable SocketAddress address(@Nullable Subchannel subchannel) {
		// Not getAllAddresses(): gRPC allows that in its synchronization context only.
		return (subchannel != null) ? subchannel.getAttributes().get(MEMBER) : null;
	}

}
