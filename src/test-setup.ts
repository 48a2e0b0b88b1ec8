import nock from 'nock';

// No test may reach the network; provider HTTP is mocked with nock.
nock.disableNetConnect();
