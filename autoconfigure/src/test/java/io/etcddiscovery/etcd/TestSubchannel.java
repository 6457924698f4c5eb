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

import io.grpc.Attributes;
import io.grpc.Channel;
import io.grpc.ChannelLogger;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;

/**
 * A subchannel as gRPC hands one to a load balancer, whose connection state the test sets
 * and whose {@link #asChannel()} is a channel the test chose (an in-process one), or
 * none.
 *
 * @author etcd-discovery authors
 */
final class TestSubchannel extends LoadBalancer.Subchannel {

	private final List<EquivalentAddressGroup> addresses;

	private final Attributes attributes;

	private final Channel channel;

	private LoadBalancer.SubchannelStateListener listener;

	private int connectionRequests;

	private boolean shutdown;

	TestSubchannel(List<EquivalentAddressGroup> addresses, Attributes attributes, Channel channel) {
		this.addresses = addresses;
		this.attributes = attributes;
		this.channel = channel;
	}

	/**
	 * Return a subchannel to one member whose calls go to the given channel, attributed
	 * as by {@link MemberAvoidingLoadBalancerProvider}.
	 * @param member the member's address
	 * @param channel the channel
	 * @return the subchannel
	 */
	static TestSubchannel to(SocketAddress member, Channel channel) {
		return new TestSubchannel(List.of(new EquivalentAddressGroup(member)),
				Attributes.newBuilder().set(CallTarget.MEMBER, member).build(), channel);
	}

	@Override
	public void start(LoadBalancer.SubchannelStateListener listener) {
		this.listener = listener;
	}

	/**
	 * Report a new connection state to the load balancer that started this subchannel.
	 * Call in the load balancer's synchronization context.
	 * @param state the state
	 */
	void setState(ConnectivityStateInfo state) {
		this.listener.onSubchannelState(state);
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
	}

	boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public void requestConnection() {
		this.connectionRequests++;
	}

	int connectionRequests() {
		return this.connectionRequests;
	}

	@Override
	public List<EquivalentAddressGroup> getAllAddresses() {
		return this.addresses;
	}

	@Override
	public Attributes getAttributes() {
		return this.attributes;
	}

	@Override
	public Channel asChannel() {
		if (this.channel == null) {
			throw new UnsupportedOperationException("No channel");
		}
		return this.channel;
	}

	@Override
	public ChannelLogger getChannelLogger() {
		return new ChannelLogger() {

			@Override
			public void log(ChannelLogLevel level, String message) {
			}

			@Override
			public void log(ChannelLogLevel level, String messageFormat, Object... args) {
			}

		};
	}

	@Override
	public String toString() {
		return "TestSubchannel" + this.addresses;
	}

}
